// async-profiler 3.x/4.x compact format: a prefix-compressed string pool (`const cpool = [...]`)
// followed by f/u/n calls that carry only what changed since the previous frame.
import { FlameGraphDataError } from './data-error.ts';
import type { DecodedFrame } from './tree-builder.ts';
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
      const char = text[at]!;
      if (char === "'") {
        this.#addEntry(raw);
        return at + 1;
      }
      if (char === '\\' && at + 1 < text.length) {
        at++;
        raw += text[at]!;
      } else {
        raw += char;
      }
      at++;
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

/** True when the line is shaped like a compact frame call. */
export function looksLikeV3Frame(line: string): boolean {
  return line.length > 2 && line[1] === '(' && (line[0] === 'f' || line[0] === 'u' || line[0] === 'n');
}

/**
 * Expands f/u/n calls to frames with the page script's state machine:
 * f(key,level,leftDelta[,width,...]), u(key[,width,...]) = first child, n(key[,width,...]) = next sibling.
 * Horizontal positions are not tracked: the tree follows from levels and order alone.
 */
export class CompactFrameDecoder {
  readonly #names: readonly string[];
  #level = 0;
  #width = 0;

  constructor(names: readonly string[]) {
    this.#names = names;
  }

  decode(line: string): DecodedFrame {
    const call = CALL.exec(line);
    if (call === null) throw new FlameGraphDataError('malformed', 'expected f(…), u(…) or n(…)');
    const args = call[2]!.split(',').map(toInteger);
    const key = args[0];
    if (key === undefined || key < 0 || key > 0xffffffff) throw new FlameGraphDataError('malformed', 'bad frame key');
    let widthArg: number | undefined;
    if (call[1] === 'f') {
      const level = args[1];
      if (level === undefined || args[2] === undefined || level < 0 || args.length > 7) {
        throw new FlameGraphDataError('malformed', 'f() needs key, level and left');
      }
      this.#level = level;
      widthArg = args[3];
    } else {
      if (args.length > 5) throw new FlameGraphDataError('malformed', `too many arguments to ${call[1]}()`);
      // n() stays on the level of the previous frame
      if (call[1] === 'u') this.#level += 1;
      widthArg = args[1];
    }
    // Like the page: a missing (or zero) width repeats the previous one.
    if (widthArg !== undefined && widthArg !== 0) this.#width = widthArg;
    if (this.#width < 0) throw new FlameGraphDataError('malformed', 'negative width');
    const name = this.#names[Math.floor(key / 8)];
    if (name === undefined) throw new FlameGraphDataError('malformed', `frame name ${Math.floor(key / 8)} is not in the string pool`);
    const type = FRAME_TYPES[key % 8];
    if (type === undefined) throw new FlameGraphDataError('malformed', `unknown frame type ${key % 8}`);
    return { level: this.#level, width: this.#width, type, name };
  }
}

function toInteger(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(value)) throw new FlameGraphDataError('malformed', `"${text}" is not a whole number`);
  return value;
}
