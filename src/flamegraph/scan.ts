// Small character-level helpers shared by the frame line decoders.

/** True for the characters a regex `\s` matches. */
export function isSpaceCode(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/** Where a scan stands, and the last integer read: its value and where its text starts and ends. */
export interface IntegerCursor {
  at: number;
  value: number;
  start: number;
  end: number;
}

/**
 * Reads `\s*-?\d+\s*` from `cursor.at` (the minus only when `signed`), leaving `cursor.at` after
 * the trailing spaces. False when there is no digit. The value may be beyond the safe integer range
 * (then it is not a safe integer either): callers check what they need.
 */
export function readInteger(text: string, cursor: IntegerCursor, signed: boolean): boolean {
  const length = text.length;
  let at = cursor.at;
  let code = text.charCodeAt(at);
  while (at < length && isSpaceCode(code)) code = text.charCodeAt(++at);
  cursor.start = at;
  let negative = false;
  if (signed && code === 45 /* - */) {
    negative = true;
    code = text.charCodeAt(++at);
  }
  const digitsStart = at;
  let value = 0;
  while (code >= 48 && code <= 57) {
    value = value * 10 + (code - 48);
    code = text.charCodeAt(++at);
  }
  if (at === digitsStart) return false;
  cursor.end = at;
  while (at < length && isSpaceCode(code)) code = text.charCodeAt(++at);
  cursor.at = at;
  cursor.value = negative ? -value : value;
  return true;
}

export function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * `readInteger` over bytes [cursor.at, end) of a buffer, with ASCII spaces only: the fast path of
 * lines read from files (anything else makes the caller fall back to the text path).
 */
export function readIntegerBytes(buf: Uint8Array, cursor: IntegerCursor, end: number, signed: boolean): boolean {
  let at = cursor.at;
  while (at < end && isAsciiSpace(buf[at]!)) at++;
  let negative = false;
  if (signed && at < end && buf[at] === 45 /* - */) {
    negative = true;
    at++;
  }
  const digitsStart = at;
  let value = 0;
  while (at < end) {
    const code = buf[at]!;
    if (code < 48 || code > 57) break;
    value = value * 10 + (code - 48);
    at++;
  }
  if (at === digitsStart) return false;
  while (at < end && isAsciiSpace(buf[at]!)) at++;
  cursor.at = at;
  cursor.value = negative ? -value : value;
  return true;
}
