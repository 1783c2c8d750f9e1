// The formats a flame graph can be handed to other tools in, one writer each. Every writer gives
// chunks, so a large graph streams to disk.
import { toCollapsedLines } from '../collapsed.ts';
import type { FlameGraph, ProfilingMode } from '../types.ts';
import { toPprof } from './pprof.ts';
import { toSpeedscope } from './speedscope.ts';

export const EXPORT_FORMATS = ['pprof', 'speedscope', 'collapsed'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file name ending of each format (after the flame graph's name without `.html`). */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  pprof: '.pb.gz',
  speedscope: '.speedscope.json',
  collapsed: '.collapsed',
};

export interface ExportMeta {
  mode: ProfilingMode | 'UNKNOWN';
  /** what the profile is of, e.g. "taskmanager 10.0.0.5:6122 (ITIMER)" */
  name: string;
  durationSeconds?: number;
  exporter: string;
}

const LINES_PER_CHUNK = 512;

export function* exportChunks(format: ExportFormat, graph: FlameGraph, meta: ExportMeta): Generator<Uint8Array | string> {
  switch (format) {
    case 'pprof':
      yield toPprof(graph, { mode: meta.mode, comment: meta.name, ...(meta.durationSeconds !== undefined ? { durationSeconds: meta.durationSeconds } : {}) });
      return;
    case 'speedscope':
      yield* toSpeedscope(graph, { name: meta.name, exporter: meta.exporter });
      return;
    case 'collapsed': {
      let batch: string[] = [];
      for (const line of toCollapsedLines(graph)) {
        batch.push(line);
        if (batch.length >= LINES_PER_CHUNK) {
          yield `${batch.join('\n')}\n`;
          batch = [];
        }
      }
      if (batch.length > 0) yield `${batch.join('\n')}\n`;
    }
  }
}
