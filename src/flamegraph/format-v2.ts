// async-profiler 2.x frame lines: f(level,left,width,type,'title'[,inln,c1,int]).
// Only ' is escaped (as \') and backslashes are written raw, so a title may end in a backslash;
// the title is therefore taken between the first quote and the quote that closes the line.
import { FlameGraphDataError } from './data-error.ts';
import type { DecodedFrame } from './tree-builder.ts';
import { FRAME_TYPES } from './types.ts';

const HEAD = /^f\(\s*(\d+)\s*,\s*(-?\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'/;
const TAIL = /'\s*(?:,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*)?\)\s*;?$/;

/** True when the line starts like a 2.x frame record (used to find where the frames begin). */
export function looksLikeV2Frame(line: string): boolean {
  return line.startsWith('f(') && line.length > 2 && line.charCodeAt(2) >= 48 && line.charCodeAt(2) <= 57;
}

export function decodeV2Frame(line: string): DecodedFrame {
  const head = HEAD.exec(line);
  const tail = TAIL.exec(line);
  if (head === null || tail === null || tail.index < head[0].length) {
    throw new FlameGraphDataError('malformed', 'expected f(level,left,width,type,\'title\')');
  }
  const level = toCount(head[1]!, 'level');
  const width = toCount(head[3]!, 'width');
  const type = FRAME_TYPES[Number(head[4])];
  if (type === undefined) throw new FlameGraphDataError('malformed', `unknown frame type ${head[4]}`);
  const name = line.slice(head[0].length, tail.index).replaceAll("\\'", "'");
  return { level, width, type, name };
}

function toCount(digits: string, what: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new FlameGraphDataError('malformed', `${what} ${digits} is out of range`);
  return value;
}
