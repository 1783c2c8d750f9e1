// --progress json: one event per line, with the time it happened, for tools and the bench.
// JSON.stringify escapes control characters, so names from the cluster cannot reach a terminal raw.
import type { Emit } from '../../workflow/events.ts';
import type { ProgressRenderer } from './progress.ts';

export function jsonProgress(stream: NodeJS.WritableStream, now: () => Date = () => new Date()): ProgressRenderer {
  const emit: Emit = (event) => {
    stream.write(`${JSON.stringify({ time: now().toISOString(), ...event })}\n`);
  };
  return { emit, stop() {} };
}
