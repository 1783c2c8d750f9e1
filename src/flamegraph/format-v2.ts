// async-profiler 2.x frame lines: f(level,left,width,type,'title'[,inln,c1,int]).
// Only ' is escaped (as \') and backslashes are written raw, so a title may end in a backslash;
// the title is therefore taken between the first quote and the quote that closes the line (the
// last quote on the line: nothing after it may contain one).
//
// The decoder reads the line by hand, character by character (no regex, no split), and leaves
// its result in its own fields so the hot loop allocates nothing but the title.
import { FlameGraphDataError } from './data-error.ts';
import { isAsciiSpace, isSpaceCode, readInteger, type IntegerCursor } from './scan.ts';
import type { NameTable } from './tree-builder.ts';
import { FRAME_TYPES } from './types.ts';

const EXPECTED = "expected f(level,left,width,type,'title')";
const QUOTE = 39; // '
const COMMA = 44;
const CLOSE = 41; // )
const SEMICOLON = 59;

/** True when the line starts like a 2.x frame record (used to find where the frames begin). */
export function looksLikeV2Frame(line: string): boolean {
  return line.startsWith('f(') && line.length > 2 && line.charCodeAt(2) >= 48 && line.charCodeAt(2) <= 57;
}

/** Decodes one trimmed 2.x frame line into `level`, `width`, `type` (index into FRAME_TYPES) and `name`. */
export class V2FrameDecoder {
  level = 0;
  width = 0;
  type = 0;
  name = '';
  readonly #cursor: IntegerCursor = { at: 0, value: 0, start: 0, end: 0 };

  decode(line: string): void {
    const cursor = this.#cursor;
    if (line.charCodeAt(0) !== 102 /* f */ || line.charCodeAt(1) !== 40 /* ( */) throw malformed();
    cursor.at = 2;
    readField(line, cursor, false);
    const level = cursor.value;
    const levelStart = cursor.start;
    const levelEnd = cursor.end;
    readField(line, cursor, true); // left: not needed to rebuild the tree
    readField(line, cursor, false);
    const width = cursor.value;
    const widthStart = cursor.start;
    const widthEnd = cursor.end;
    readField(line, cursor, false);
    const type = cursor.value;
    const typeStart = cursor.start;
    const typeEnd = cursor.end;
    let at = cursor.at;
    while (at < line.length && isSpaceCode(line.charCodeAt(at))) at++;
    if (line.charCodeAt(at) !== QUOTE) throw malformed();
    const nameStart = at + 1;
    const nameEnd = line.lastIndexOf("'");
    if (nameEnd < nameStart || !this.#tailIsValid(line, nameEnd + 1)) throw malformed();

    if (!Number.isSafeInteger(level)) throw outOfRange('level', line.slice(levelStart, levelEnd));
    if (!Number.isSafeInteger(width)) throw outOfRange('width', line.slice(widthStart, widthEnd));
    if (type >= FRAME_TYPES.length) throw new FlameGraphDataError('malformed', `unknown frame type ${line.slice(typeStart, typeEnd)}`);
    this.level = level;
    this.width = width;
    this.type = type;
    const name = line.slice(nameStart, nameEnd);
    const escape = line.indexOf("\\'", nameStart);
    this.name = escape >= 0 && escape < nameEnd ? name.replaceAll("\\'", "'") : name;
  }

  /** `\s*(,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*)?\)\s*;?` up to the end of the line, from `at`. */
  #tailIsValid(line: string, at: number): boolean {
    const cursor = this.#cursor;
    while (at < line.length && isSpaceCode(line.charCodeAt(at))) at++;
    if (line.charCodeAt(at) === COMMA) {
      cursor.at = at + 1;
      for (let i = 0; i < 3; i++) {
        if (!readInteger(line, cursor, false)) return false;
        const next = line.charCodeAt(cursor.at);
        if (i < 2 && next !== COMMA) return false;
        if (i < 2) cursor.at++;
      }
      at = cursor.at;
    }
    if (line.charCodeAt(at) !== CLOSE) return false;
    at++;
    while (at < line.length && isSpaceCode(line.charCodeAt(at))) at++;
    if (line.charCodeAt(at) === SEMICOLON) at++;
    return at === line.length;
  }
}

/** Reads `\s*int\s*,` into the cursor, leaving it after the comma; throws when the line has something else. */
function readField(line: string, cursor: IntegerCursor, signed: boolean): void {
  if (!readInteger(line, cursor, signed) || line.charCodeAt(cursor.at) !== COMMA) throw malformed();
  cursor.at++;
}

function malformed(): FlameGraphDataError {
  return new FlameGraphDataError('malformed', EXPECTED);
}

function outOfRange(what: string, digits: string): FlameGraphDataError {
  return new FlameGraphDataError('malformed', `${what} ${digits} is out of range`);
}

/**
 * Byte-level fast path for frame lines read straight from a file: no string is made for the line,
 * and a name is looked up by its bytes (a string is only made the first time a name is seen).
 * Only lines whose structure is plain ASCII are taken; for anything else `decode` returns false and
 * the caller decodes the line as text with `V2FrameDecoder`, which gives the precise error.
 */
export class V2ByteFrameDecoder {
  level = 0;
  width = 0;
  type = 0;
  nameId = 0;
  readonly #names: ByteNameIndex;
  #at = 0;
  #value = 0;

  constructor(names: NameTable) {
    this.#names = new ByteNameIndex(names);
  }

  /** Decodes bytes [start, end) of `buf` (one line without its line break). */
  decode(buf: Buffer, start: number, end: number): boolean {
    while (start < end && isAsciiSpace(buf[start]!)) start++;
    while (end > start && isAsciiSpace(buf[end - 1]!)) end--;
    if (end - start < 4 || buf[start] !== 102 /* f */ || buf[start + 1] !== 40 /* ( */ || buf[end - 1]! >= 0x80) return false;
    this.#at = start + 2;
    if (!this.#integer(buf, end, false) || !this.#comma(buf, end)) return false;
    const level = this.#value;
    this.#at++;
    if (!this.#integer(buf, end, true) || !this.#comma(buf, end)) return false;
    this.#at++;
    if (!this.#integer(buf, end, false) || !this.#comma(buf, end)) return false;
    const width = this.#value;
    this.#at++;
    if (!this.#integer(buf, end, false) || !this.#comma(buf, end)) return false;
    const type = this.#value;
    let at = this.#at + 1;
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    if (at >= end || buf[at] !== QUOTE) return false;
    const nameStart = at + 1;
    let nameEnd = end - 1;
    while (nameEnd >= nameStart && buf[nameEnd] !== QUOTE) nameEnd--;
    if (nameEnd < nameStart || !this.#tailIsValid(buf, nameEnd + 1, end)) return false;
    if (!Number.isSafeInteger(level) || !Number.isSafeInteger(width) || type >= FRAME_TYPES.length) return false;
    this.level = level;
    this.width = width;
    this.type = type;
    this.nameId = this.#names.id(buf, nameStart, nameEnd);
    return true;
  }

  #comma(buf: Buffer, end: number): boolean {
    return this.#at < end && buf[this.#at] === COMMA;
  }

  /** `[ \t..]*-?\d+[ \t..]*` from #at (ASCII spaces only), value in #value. */
  #integer(buf: Buffer, end: number, signed: boolean): boolean {
    let at = this.#at;
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    let negative = false;
    if (signed && buf[at] === 45 /* - */) {
      negative = true;
      at++;
    }
    const digitsStart = at;
    let value = 0;
    for (let code = buf[at]!; at < end && code >= 48 && code <= 57; code = buf[++at]!) value = value * 10 + (code - 48);
    if (at === digitsStart) return false;
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    this.#at = at;
    this.#value = negative ? -value : value;
    return true;
  }

  #tailIsValid(buf: Buffer, at: number, end: number): boolean {
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    if (buf[at] === COMMA && at < end) {
      this.#at = at + 1;
      for (let i = 0; i < 3; i++) {
        if (!this.#integer(buf, end, false)) return false;
        if (i < 2) {
          if (buf[this.#at] !== COMMA || this.#at >= end) return false;
          this.#at++;
        }
      }
      at = this.#at;
    }
    if (at >= end || buf[at] !== CLOSE) return false;
    at++;
    while (at < end && isAsciiSpace(buf[at]!)) at++;
    if (at < end && buf[at] === SEMICOLON) at++;
    return at === end;
  }
}

/** Byte comparison in JS: Buffer#compare with ranges allocates on every call. */
function sameBytes(a: Buffer, aStart: number, b: Buffer, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}


/** Name ids by the raw bytes of a 2.x title (escapes included), over a NameTable of decoded names. */
class ByteNameIndex {
  readonly #names: NameTable;
  /** the raw bytes of every entry, one after another */
  #arena = Buffer.allocUnsafe(64 * 1024);
  #arenaUsed = 0;
  readonly #offset: number[] = [];
  readonly #length: number[] = [];
  readonly #hash: number[] = [];
  readonly #id: number[] = [];
  /** open addressing: entry index + 1, 0 = empty */
  #slots = new Int32Array(1024);

  constructor(names: NameTable) {
    this.#names = names;
  }

  id(buf: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let at = start; at < end; at++) hash = Math.imul(hash ^ buf[at]!, 0x01000193);
    const length = end - start;
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]! - 1;
      if (entry < 0) break;
      if (this.#hash[entry] === hash && this.#length[entry] === length) {
        if (sameBytes(this.#arena, this.#offset[entry]!, buf, start, length)) return this.#id[entry]!;
      }
    }
    const raw = buf.toString('utf8', start, end);
    const id = this.#names.id(raw.includes("\\'") ? raw.replaceAll("\\'", "'") : raw);
    this.#add(buf, start, end, hash, id);
    return id;
  }

  #add(buf: Buffer, start: number, end: number, hash: number, id: number): void {
    const length = end - start;
    if (this.#arenaUsed + length > this.#arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#arenaUsed + length));
      this.#arena.copy(grown, 0, 0, this.#arenaUsed);
      this.#arena = grown;
    }
    buf.copy(this.#arena, this.#arenaUsed, start, end);
    const entry = this.#id.length;
    this.#offset.push(this.#arenaUsed);
    this.#length.push(length);
    this.#hash.push(hash);
    this.#id.push(id);
    this.#arenaUsed += length;
    if ((entry + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    else this.#place(this.#slots, entry);
  }

  #place(slots: Int32Array, entry: number): void {
    const mask = slots.length - 1;
    let slot = this.#hash[entry]! & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    for (let entry = 0; entry < this.#id.length; entry++) this.#place(slots, entry);
    this.#slots = slots;
  }
}
