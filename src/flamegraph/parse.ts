// Parses async-profiler HTML flame graphs (2.x and 3.x/4.x) into a frame tree.
//
// The page is read line by line through a small state machine, so a file is streamed and only
// the tree is kept in memory. Error policy (every failure is a SquirrlyError):
// - no format marker                                  -> "not an async-profiler flame graph"
// - marker but no frame                              -> "contains no frames"
// A root with 0 samples is a valid result: async-profiler writes `f(0,0,0,2,'all')` when
// nothing was sampled (e.g. a LOCK run without contention); the summary and rules say so.
// - input ends inside the string pool or the frames (no `search(...)` line after them),
//   or the LAST frame line is cut mid-way              -> "truncated"
// - a bad frame line followed by more lines           -> "malformed"
// - a level jump > 1, a second root, children wider than their parent -> "inconsistent"
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { SquirrlyError } from '../errors.ts';
import { FlameGraphDataError } from './data-error.ts';
import { decodeV2Frame, looksLikeV2Frame } from './format-v2.ts';
import { CompactFrameDecoder, looksLikeV3Frame, StringPoolReader } from './format-v3.ts';
import { type DecodedFrame, FrameTreeBuilder } from './tree-builder.ts';
import type { FlameGraph } from './types.ts';

const V2_MARKER = 'function f(level, left, width, type, title';
const CPOOL_START = 'const cpool = [';
const CPOOL_UNPACK = 'unpack(cpool)';
const END_MARKER = 'search(';
const TITLE = /<h1>(.*?)<\/h1>/;

const CORRUPT_HINT = 'The file is damaged: download it again from Flink (kubectl squirrly artifacts <deployment> --download <file>).';

type Phase = 'head' | 'pool' | 'before-unpack' | 'before-frames' | 'frames' | 'done';

/** Feeds lines one at a time; `finish()` returns the graph or throws. */
class FlameGraphLineParser {
  readonly #source: string;
  readonly #tree = new FrameTreeBuilder();
  #phase: Phase = 'head';
  #format: FlameGraph['format'] | undefined;
  #title = '';
  #lineNumber = 0;
  #pool: StringPoolReader | undefined;
  #compact: CompactFrameDecoder | undefined;
  /** a frame line that did not decode: malformed if more lines follow, truncation if it was the last */
  #badLine: { lineNumber: number; detail: string } | undefined;

  constructor(source: string) {
    this.#source = source;
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
      return;
    }
    const poolAt = line.indexOf(CPOOL_START);
    if (poolAt >= 0) {
      this.#format = 'v3';
      this.#pool = new StringPoolReader();
      this.#phase = 'pool';
      this.#readPool(line.slice(poolAt + CPOOL_START.length));
    }
  }

  #readPool(text: string): void {
    const pool = this.#pool!;
    pool.readLine(text);
    if (pool.closed) {
      this.#compact = new CompactFrameDecoder(pool.names);
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
    let frame: DecodedFrame;
    try {
      frame = this.#format === 'v2' ? decodeV2Frame(line) : this.#compact!.decode(line);
    } catch (error) {
      if (!(error instanceof FlameGraphDataError)) throw error;
      this.#badLine = { lineNumber: this.#lineNumber, detail: error.message };
      return;
    }
    this.#tree.add(frame);
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
    const tree = this.#tree.finish();
    if (tree === undefined) {
      throw new SquirrlyError(`${this.#source} contains no frames`, {
        hint: 'Profile longer, or while the job is busy.',
      });
    }
    return { format: this.#format!, title: this.#title, root: tree.root, frameCount: tree.frameCount, maxDepth: tree.maxDepth };
  }

  #truncated(detail: string): SquirrlyError {
    return new SquirrlyError(`${this.#source} is truncated: ${detail}`, { hint: CORRUPT_HINT });
  }

  #dataError(error: FlameGraphDataError, lineNumber: number): SquirrlyError {
    const what = error.problem === 'inconsistent' ? 'inconsistent frame data' : 'not a valid frame record';
    return new SquirrlyError(`${this.#source}: line ${lineNumber}: ${what}: ${error.message}`, { hint: CORRUPT_HINT, cause: error });
  }
}

/** Parses a whole flame graph page held in memory. `sourceName` names it in error messages. */
export function parseFlameGraph(html: string, sourceName = 'the input'): FlameGraph {
  const parser = new FlameGraphLineParser(sourceName);
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
  const parser = new FlameGraphLineParser(basename(path));
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) parser.line(line);
  } catch (error) {
    if (error instanceof SquirrlyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SquirrlyError(`cannot read ${basename(path)}: ${reason}`, { cause: error });
  } finally {
    lines.close();
    input.destroy();
  }
  return parser.finish();
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeHtmlText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_match, entity: string) => HTML_ENTITIES[entity] ?? '');
}
