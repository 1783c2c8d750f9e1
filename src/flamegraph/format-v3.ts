// async-profiler 3.x/4.x compact format: a prefix-compressed string pool (`const cpool = [...]`)
// followed by f/u/n calls that carry only what changed since the previous frame.
import { FlameGraphDataError } from './data-error.ts';
import { isAsciiSpace, isSpaceCode, readInteger, readIntegerBytes, type IntegerCursor } from './scan.ts';
import type { NameTable } from './tree-builder.ts';
import { FRAME_TYPES } from './types.ts';

/** Collects `cpool` entries line by line and undoes the prefix compression as it goes. */
export class StringPoolReader {
  readonly names: string[] = [];
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Reads the entries on one line (the text after `[` on the opening line, then whole lines). */
  readLine(text: string): void {
    let at = 0;
    while (at < text.length && !this.#closed) {
      const char = text[at]!;
      if (char === ']') {
        this.#closed = true;
      } else if (char === "'") {
        at = this.#readEntry(text, at + 1);
        continue;
      } else if (char !== ',' && char !== ' ' && char !== '\t') {
        throw new FlameGraphDataError('malformed', `unexpected "${char}" in the string pool`);
      }
      at++;
    }
  }

  /** Reads one quoted entry starting after its opening quote; returns the index after the closing quote. */
  #readEntry(text: string, start: number): number {
    let raw = '';
    let at = start;
    while (at < text.length) {
      const quote = text.indexOf("'", at);
      const escape = text.indexOf('\\', at);
      if (escape >= 0 && (quote < 0 || escape < quote) && escape + 1 < text.length) {
        raw += text.slice(at, escape) + text[escape + 1]!;
        at = escape + 2;
        continue;
      }
      if (quote < 0) break;
      this.#addEntry(raw + text.slice(at, quote));
      return quote + 1;
    }
    throw new FlameGraphDataError('malformed', 'a string pool entry is not closed');
  }

  #addEntry(raw: string): void {
    const previous = this.names.at(-1);
    if (previous === undefined) {
      this.names.push(raw);
      return;
    }
    // The first character encodes how many characters are shared with the previous entry.
    const shared = raw.length === 0 ? -1 : raw.charCodeAt(0) - 32;
    if (shared < 0 || shared > previous.length) {
      throw new FlameGraphDataError('malformed', `string pool entry ${this.names.length} has a bad prefix length`);
    }
    this.names.push(previous.slice(0, shared) + raw.slice(1));
  }
}

const CALL = /^([fun])\(([-\d,\s]*)\)\s*;?$/;
const MAX_ARGS = 8;

/** True when the line is shaped like a compact frame call. */
export function looksLikeV3Frame(line: string): boolean {
  return line.length > 2 && line[1] === '(' && (line[0] === 'f' || line[0] === 'u' || line[0] === 'n');
}

/**
 * Expands f/u/n calls to frames with the page script's state machine:
 * f(key,level,leftDelta[,width,...]), u(key[,width,...]) = first child, n(key[,width,...]) = next sibling.
 * Horizontal positions are not tracked: the tree follows from levels and order alone.
 * The result of `decode` is left in `level`, `width`, `type` (index into FRAME_TYPES) and `nameId`
 * (an id of the NameTable given, or the pool index when none is given).
 */
export class CompactFrameDecoder {
  readonly #names: readonly string[];
  /** pool index -> name id */
  readonly #nameIds: Int32Array;
  readonly #args = new Float64Array(MAX_ARGS);
  readonly #cursor: IntegerCursor = { at: 0, value: 0, start: 0, end: 0 };
  level = 0;
  width = 0;
  type = 0;
  nameId = 0;

  constructor(names: readonly string[], table?: NameTable) {
    this.#names = names;
    this.#nameIds = new Int32Array(names.length);
    for (let i = 0; i < names.length; i++) this.#nameIds[i] = table === undefined ? i : table.id(names[i]!);
  }

  /** Decodes one trimmed line; throws FlameGraphDataError when it is not a valid call. */
  decode(line: string): void {
    const call = line.charCodeAt(0);
    const count = call === 102 || call === 117 || call === 110 ? this.#readArgs(line) : -1;
    if (count < 0) return this.#decodeSlow(line);
    this.#apply(call === 102 ? 'f' : call === 117 ? 'u' : 'n', this.#args, count);
  }

  /**
   * Decodes bytes [start, end) of `buf` (one line read from a file) without making a string. False
   * when the line is not a plain valid call: the caller then decodes it as text for the precise error.
   */
  decodeBytes(buf: Uint8Array, start: number, end: number): boolean {
    while (start < end && isAsciiSpace(buf[start]!)) start++;
    while (end > start && isAsciiSpace(buf[end - 1]!)) end--;
    if (end - start < 4 || buf[start + 1] !== 40 /* ( */) return false;
    const call = buf[start]!;
    if (call !== 102 && call !== 117 && call !== 110) return false;
    const cursor = this.#cursor;
    const args = this.#args;
    cursor.at = start + 2;
    let count = 0;
    for (;;) {
      if (!readIntegerBytes(buf, cursor, end, true) || !Number.isSafeInteger(cursor.value) || cursor.at >= end) return false;
      if (count < MAX_ARGS) args[count] = cursor.value;
      count++;
      const next = buf[cursor.at]!;
      cursor.at++;
      if (next === 41 /* ) */) break;
      if (next !== 44 /* , */) return false;
    }
    let at = cursor.at;
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    if (at < end && buf[at] === 59 /* ; */) at++;
    if (at !== end) return false;
    const level = this.level;
    const width = this.width;
    try {
      this.#apply(call === 102 ? 'f' : call === 117 ? 'u' : 'n', args, count);
      return true;
    } catch (error) {
      if (!(error instanceof FlameGraphDataError)) throw error;
      // leave the state as it was: the text path decodes this line again and reports it
      this.level = level;
      this.width = width;
      return false;
    }
  }

  /** Reads `(args)\s*;?` to the end of the line into #args; the argument count, or -1 when it does not fit. */
  #readArgs(line: string): number {
    if (line.charCodeAt(1) !== 40 /* ( */) return -1;
    const cursor = this.#cursor;
    const args = this.#args;
    cursor.at = 2;
    let count = 0;
    for (;;) {
      if (!readInteger(line, cursor, true) || !Number.isSafeInteger(cursor.value)) return -1;
      if (count < MAX_ARGS) args[count] = cursor.value;
      count++;
      const next = line.charCodeAt(cursor.at);
      cursor.at++;
      if (next === 41 /* ) */) break;
      if (next !== 44 /* , */) return -1;
    }
    let at = cursor.at;
    while (at < line.length && isSpaceCode(line.charCodeAt(at))) at++;
    if (line.charCodeAt(at) === 59 /* ; */) at++;
    return at === line.length ? count : -1;
  }

  /** The regex path: gives the precise error for a line the fast path rejected. */
  #decodeSlow(line: string): void {
    const call = CALL.exec(line);
    if (call === null) throw new FlameGraphDataError('malformed', 'expected f(…), u(…) or n(…)');
    const args = call[2]!.split(',').map(toInteger);
    this.#apply(call[1]!, args, args.length);
  }

  #apply(call: string, args: ArrayLike<number>, count: number): void {
    const key = count > 0 ? args[0]! : undefined;
    if (key === undefined || key < 0 || key > 0xffffffff) throw new FlameGraphDataError('malformed', 'bad frame key');
    let widthArg: number | undefined;
    if (call === 'f') {
      const level = count > 1 ? args[1]! : undefined;
      if (level === undefined || count < 3 || level < 0 || count > 7) {
        throw new FlameGraphDataError('malformed', 'f() needs key, level and left');
      }
      this.level = level;
      widthArg = count > 3 ? args[3] : undefined;
    } else {
      if (count > 5) throw new FlameGraphDataError('malformed', `too many arguments to ${call}()`);
      // n() stays on the level of the previous frame
      if (call === 'u') this.level += 1;
      widthArg = count > 1 ? args[1] : undefined;
    }
    // Like the page: a missing (or zero) width repeats the previous one.
    if (widthArg !== undefined && widthArg !== 0) this.width = widthArg;
    if (this.width < 0) throw new FlameGraphDataError('malformed', 'negative width');
    const index = Math.floor(key / 8);
    if (index >= this.#names.length) throw new FlameGraphDataError('malformed', `frame name ${index} is not in the string pool`);
    const type = key % 8;
    if (type >= FRAME_TYPES.length) throw new FlameGraphDataError('malformed', `unknown frame type ${type}`);
    this.nameId = this.#nameIds[index]!;
    this.type = type;
  }
}

function toInteger(text: string): number {
  const cursor: IntegerCursor = { at: 0, value: 0, start: 0, end: 0 };
  if (!readInteger(text, cursor, true) || cursor.at !== text.length || !Number.isSafeInteger(cursor.value)) {
    throw new FlameGraphDataError('malformed', `"${text}" is not a whole number`);
  }
  return cursor.value;
}
