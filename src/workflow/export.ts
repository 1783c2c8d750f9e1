// `export`: flame graphs written in the formats other tools read (pprof, speedscope, folded
// stacks), beside each flame graph or in one folder. Also the step profile and artifacts run
// after saving when asked for --export.
import { Readable } from 'node:stream';
import path from 'node:path';
import { writeAtomically } from '../artifacts/atomic-file.ts';
import { InterruptedError } from '../errors.ts';
import { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportChunks, type ExportFormat } from '../flamegraph/export/formats.ts';
import { modeFromFileName, modeFromTitle } from '../flamegraph/mode.ts';
import { parseFlameGraphFile } from '../flamegraph/parse.ts';
import type { ProfilingMode } from '../flamegraph/types.ts';
import { VERSION } from '../version.ts';
import type { Emit } from './events.ts';

export { EXPORT_FORMATS, type ExportFormat };

export interface ExportInput {
  path: string;
  /** what the flame graph is of (a TaskManager's label); the file name when absent */
  target?: string;
  mode?: ProfilingMode;
  durationSeconds?: number;
}

export interface ExportRequest {
  files: readonly ExportInput[];
  formats: readonly ExportFormat[];
  /** one folder for every output; beside each flame graph when absent */
  outputDir?: string;
  signal?: AbortSignal;
}

export interface ExportedFile {
  source: string;
  format: ExportFormat;
  path: string;
  bytes: number;
}

/** A flame graph `<name>.html` exported as `format`: `<name><extension>`, beside it or in `dir`. */
export function exportPath(flameGraph: string, format: ExportFormat, dir = path.dirname(flameGraph)): string {
  return path.join(dir, path.basename(flameGraph).replace(/\.html?$/i, '') + EXPORT_EXTENSIONS[format]);
}

export async function exportFlameGraphs(request: ExportRequest, onEvent: Emit): Promise<ExportedFile[]> {
  const written: ExportedFile[] = [];
  const formats = [...new Set(request.formats)];
  for (const file of request.files) {
    if (request.signal?.aborted) throw new InterruptedError('export interrupted');
    const graph = await parseFlameGraphFile(file.path);
    const source = path.basename(file.path);
    const mode: ProfilingMode | 'UNKNOWN' = file.mode ?? modeFromFileName(source) ?? modeFromTitle(graph.title) ?? 'UNKNOWN';
    const target = file.target ?? source;
    const meta = {
      mode,
      name: `${target} (${mode})`,
      exporter: `kubectl-squirrly ${VERSION}`,
      ...(file.durationSeconds !== undefined ? { durationSeconds: file.durationSeconds } : {}),
    };
    for (const format of formats) {
      const dest = exportPath(file.path, format, request.outputDir);
      const chunks = Readable.from(exportChunks(format, graph, meta), { objectMode: false });
      // derived from the flame graph, so written again on every export like the summaries
      const result = await writeAtomically(dest, chunks, { existing: 'replace' });
      written.push({ source: file.path, format, path: result.path, bytes: result.bytes });
      onEvent({ type: 'wrote', kind: format, path: result.path });
    }
  }
  return written;
}
