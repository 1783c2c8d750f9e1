// Parses async-profiler HTML flame graphs (2.x and 3.x/4.x) into a frame tree.
//
// The page is read line by line through a small state machine, so a file is streamed and only
// the tree is kept in memory, as a compact frame table (tree-builder.ts). A file is read as bytes:
// frame lines, nearly all of a page, are decoded from the bytes without making a string per line;
// any other line, or a frame line the byte decoders do not take, is decoded as text.
// Error policy (every failure is a SquirrlyError):
// - no format marker                                  -> "not an async-profiler flame graph"
// - marker but no frame                              -> "contains no frames"
// A root with 0 samples is a valid result: async-profiler writes `f(0,0,0,2,'all')` when
// nothing was sampled (e.g. a LOCK run without contention); the summary and rules say so.
// - input ends inside the string pool or the frames (no `search(...)` line after them),
//   or the LAST frame line is cut mid-way              -> "truncated"
// - a bad frame line followed by more lines           -> "malformed"
// - a level jump > 1, a second root, children wider than their parent -> "inconsistent"
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { SquirrlyError } from '../errors.ts';
import { FlameGraphDataError } from './data-error.ts';
import { checkFlameGraphFile } from './input-file.ts';
import { looksLikeV2Frame, V2ByteFrameDecoder, V2FrameDecoder } from './format-v2.ts';
import { CompactFrameDecoder, looksLikeV3Frame, StringPoolReader } from './format-v3.ts';
import { type FrameTable, FrameTreeBuilder, materialize, NameTable } from './tree-builder.ts';
import type { FlameGraph, FrameNode } from './types.ts';

const V2_MARKER = 'function f(level, left, width, type, title';
const CPOOL_START = 'const cpool = [';
const CPOOL_UNPACK = 'unpack(cpool)';
const END_MARKER = 'search(';
const TITLE = /<h1>(.*?)<\/h1>/;
/** typical bytes of page per frame (a low guess, so the first reservation rarely has to grow) */
const V2_BYTES_PER_FRAME = 40;
const V3_BYTES_PER_FRAME = 10;

const CORRUPT_HINT = 'The file is damaged: download it again from Flink (kubectl squirrly artifacts <deployment> --download <file>).';

type Phase = 'head' | 'pool' | 'before-unpack' | 'before-frames' | 'frames' | 'done';

/** Feeds lines one at a time; `finish()` returns the graph or throws. */
class FlameGraphLineParser {
  readonly #source: string;
  readonly #names = new NameTable();
  readonly #tree = new FrameTreeBuilder(this.#names);
  readonly #v2 = new V2FrameDecoder();
  readonly #v2Bytes = new V2ByteFrameDecoder(this.#names);
  #phase: Phase = 'head';
  #format: FlameGraph['format'] | undefined;
  #title = '';
  #lineNumber = 0;
  #pool: StringPoolReader | undefined;
  #compact: CompactFrameDecoder | undefined;
  /** a frame line that did not decode: malformed if more lines follow, truncation if it was the last */
  #badLine: { lineNumber: number; detail: string } | undefined;
  /** size of the input in bytes, when known: sizes the frame table when the format is found */
  readonly #inputBytes: number;

  constructor(source: string, inputBytes = 0) {
    this.#source = source;
    this.#inputBytes = inputBytes;
  }

  line(rawLine: string): void {
    this.#lineNumber++;
    const line = rawLine.trim();
    try {
      this.#dispatch(line);
    } catch (error) {
      if (error instanceof FlameGraphDataError) throw this.#dataError(error, this.#lineNumber);
      throw error;
    }
  }

  /**
   * One line as bytes (without its line break), as read from a file. Frame lines are decoded from
   * the bytes when they can be; every other line is decoded to text and goes through `line`.
   */
  lineBytes(buf: Buffer, start: number, end: number): void {
    if (this.#phase === 'done') {
      this.#lineNumber++;
      return;
    }
    if (this.#phase === 'frames' && this.#badLine === undefined) {
      if (this.#format === 'v2') {
        const v2 = this.#v2Bytes;
        if (v2.decode(buf, start, end)) return this.#addDecoded(v2.level, v2.width, v2.nameId, v2.type);
      } else {
        const v3 = this.#compact!;
        if (v3.decodeBytes(buf, start, end)) return this.#addDecoded(v3.level, v3.width, v3.nameId, v3.type);
      }
    }
    this.line(buf.toString('utf8', start, end));
  }

  #addDecoded(level: number, width: number, nameId: number, type: number): void {
    this.#lineNumber++;
    try {
      this.#tree.addRow(level, width, nameId, type);
    } catch (error) {
      if (error instanceof FlameGraphDataError) throw this.#dataError(error, this.#lineNumber);
      throw error;
    }
  }

  #dispatch(line: string): void {
    switch (this.#phase) {
      case 'head':
        return this.#readHead(line);
      case 'pool':
        return this.#readPool(line);
      case 'before-unpack':
        if (line.includes(CPOOL_UNPACK)) this.#phase = 'before-frames';
        return;
      case 'before-frames':
        return this.#readBeforeFrames(line);
      case 'frames':
        return this.#readFrame(line);
      case 'done':
        return;
    }
  }

  #readHead(line: string): void {
    if (this.#title === '') {
      const title = TITLE.exec(line);
      if (title !== null) this.#title = decodeHtmlText(title[1]!);
    }
    if (line.includes(V2_MARKER)) {
      this.#format = 'v2';
      this.#phase = 'before-frames';
      this.#tree.reserve(Math.floor(this.#inputBytes / V2_BYTES_PER_FRAME));
      return;
    }
    const poolAt = line.indexOf(CPOOL_START);
    if (poolAt >= 0) {
      this.#format = 'v3';
      this.#tree.reserve(Math.floor(this.#inputBytes / V3_BYTES_PER_FRAME));
      this.#pool = new StringPoolReader();
      this.#phase = 'pool';
      this.#readPool(line.slice(poolAt + CPOOL_START.length));
    }
  }

  #readPool(text: string): void {
    const pool = this.#pool!;
    pool.readLine(text);
    if (pool.closed) {
      this.#compact = new CompactFrameDecoder(pool.names, this.#names);
      this.#phase = text.includes(CPOOL_UNPACK) ? 'before-frames' : 'before-unpack';
    }
  }

  #readBeforeFrames(line: string): void {
    const isFrame = this.#format === 'v2' ? looksLikeV2Frame(line) : looksLikeV3Frame(line);
    if (isFrame) {
      this.#phase = 'frames';
      this.#readFrame(line);
    } else if (this.#format === 'v3' && line.startsWith(END_MARKER)) {
      // 3.x has nothing but frames between unpack() and search(); 2.x has template code here.
      this.#phase = 'done';
    }
  }

  #readFrame(line: string): void {
    if (line === '') return;
    if (this.#badLine !== undefined) {
      throw this.#dataError(new FlameGraphDataError('malformed', this.#badLine.detail), this.#badLine.lineNumber);
    }
    if (line.startsWith(END_MARKER)) {
      this.#phase = 'done';
      return;
    }
    if (this.#format === 'v2') {
      const v2 = this.#v2;
      if (this.#decodes(v2, line)) this.#tree.addRow(v2.level, v2.width, this.#names.id(v2.name), v2.type);
    } else {
      const v3 = this.#compact!;
      if (this.#decodes(v3, line)) this.#tree.addRow(v3.level, v3.width, v3.nameId, v3.type);
    }
  }

  /** Decodes one frame line; false (and the line remembered) when it is not valid. */
  #decodes(decoder: { decode(line: string): void }, line: string): boolean {
    try {
      decoder.decode(line);
      return true;
    } catch (error) {
      if (!(error instanceof FlameGraphDataError)) throw error;
      this.#badLine = { lineNumber: this.#lineNumber, detail: error.message };
      return false;
    }
  }

  finish(): FlameGraph {
    const source = this.#source;
    switch (this.#phase) {
      case 'head':
        throw new SquirrlyError(`${source} is not an async-profiler flame graph (no frame data found)`, {
          hint: 'Pass the .html flame graph written by Flink\'s profiler (<target>_<MODE>_<date>.html).',
        });
      case 'pool':
      case 'before-unpack':
        throw this.#truncated('it ends inside the string pool');
      case 'before-frames':
        throw new SquirrlyError(`${source} contains no frames (the flame graph is empty or cut off before its frames)`, {
          hint: 'Download it again; if it stays empty, profile longer or while the job is busy.',
        });
      case 'frames':
        throw this.#truncated(
          this.#badLine === undefined
            ? `the frame data stops at line ${this.#lineNumber} without the end marker`
            : `its last frame line (${this.#badLine.lineNumber}) is cut off`,
        );
      case 'done':
        return this.#graph();
    }
  }

  #graph(): FlameGraph {
    const table = this.#tree.finish();
    if (table === undefined) {
      throw new SquirrlyError(`${this.#source} contains no frames`, {
        hint: 'Profile longer, or while the job is busy.',
      });
    }
    return graphOf(this.#format!, this.#title, table);
  }

  #truncated(detail: string): SquirrlyError {
    return new SquirrlyError(`${this.#source} is truncated: ${detail}`, { hint: CORRUPT_HINT });
  }

  #dataError(error: FlameGraphDataError, lineNumber: number): SquirrlyError {
    const what = error.problem === 'inconsistent' ? 'inconsistent frame data' : 'not a valid frame record';
    return new SquirrlyError(`${this.#source}: line ${lineNumber}: ${what}: ${error.message}`, { hint: CORRUPT_HINT, cause: error });
  }
}

/**
 * The graph over a frame table. `root` (one object per frame) is only built when first read:
 * the summary and the folded stacks work from the table itself.
 */
function graphOf(format: FlameGraph['format'], title: string, table: FrameTable): FlameGraph {
  let root: FrameNode | undefined;
  const graph: FlameGraph = {
    format,
    title,
    get root(): FrameNode {
      root ??= materialize(table);
      return root;
    },
    frameCount: table.count,
    maxDepth: table.maxDepth,
  };
  // not enumerable: comparisons, JSON and spreads see the same fields as before
  Object.defineProperty(graph, 'frames', { value: table, enumerable: false });
  return graph;
}

/** Parses a whole flame graph page held in memory. `sourceName` names it in error messages. */
export function parseFlameGraph(html: string, sourceName = 'the input'): FlameGraph {
  const parser = new FlameGraphLineParser(sourceName, html.length);
  let start = 0;
  while (start <= html.length) {
    let end = html.indexOf('\n', start);
    if (end < 0) end = html.length;
    parser.line(html.slice(start, end));
    start = end + 1;
  }
  return parser.finish();
}

/** Parses a flame graph file, streaming it line by line so memory follows the tree, not the file. */
export async function parseFlameGraphFile(path: string): Promise<FlameGraph> {
  let parser: FlameGraphLineParser;
  try {
    await checkFlameGraphFile(path);
    const handle = await open(path, 'r');
    try {
      parser = new FlameGraphLineParser(basename(path), (await handle.stat()).size);
      await readLines(handle, parser);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SquirrlyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SquirrlyError(`cannot read ${basename(path)}: ${reason}`, { cause: error });
  }
  return parser.finish();
}

const READ_CHUNK = 64 * 1024;
const LF = 10;
const CR = 13;

/**
 * Reads a file in chunks into one reused buffer and hands over each line as a byte range, split
 * like readline with crlfDelay Infinity: \n, \r\n and a lone \r end a line; a last line without a
 * break counts, an empty one after the final break does not.
 */
async function readLines(handle: FileHandle, parser: FlameGraphLineParser): Promise<void> {
  let buf = Buffer.allocUnsafe(READ_CHUNK);
  /** unread bytes are buf[start, end) */
  let start = 0;
  let end = 0;
  let eof = false;
  while (!eof) {
    if (start > 0) {
      buf.copy(buf, 0, start, end);
      end -= start;
      start = 0;
    }
    if (end === buf.length) {
      // one line longer than the buffer: make room for more of it
      const grown = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(grown, 0, 0, end);
      buf = grown;
    }
    const { bytesRead } = await handle.read(buf, end, buf.length - end, null);
    if (bytesRead === 0) eof = true;
    end += bytesRead;
    // a \r at the very end may be the first half of \r\n: wait for the next byte unless at the end
    const limit = !eof && buf[end - 1] === CR ? end - 1 : end;
    // scanned in JS rather than with buf.indexOf, which allocates on every call
    let at = start;
    while (at < limit) {
      const code = buf[at]!;
      if (code === LF) {
        parser.lineBytes(buf, start, at);
        start = ++at;
      } else if (code === CR) {
        parser.lineBytes(buf, start, at);
        at += at + 1 < end && buf[at + 1] === LF ? 2 : 1;
        start = at;
      } else {
        at++;
      }
    }
    if (eof && start < end) {
      parser.lineBytes(buf, start, end);
      start = end;
    }
  }
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeHtmlText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_match, entity: string) => HTML_ENTITIES[entity] ?? '');
}
