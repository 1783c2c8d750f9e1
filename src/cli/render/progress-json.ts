// --progress json: one event per line, with the time it happened, for tools and the bench.
// JSON.stringify escapes C0 controls; the terminal sink it writes through escapes C1 and bidi
// controls as \u escapes, which keeps each line the same JSON.
import type { Emit } from '../../workflow/events.ts';
import type { ProgressRenderer } from './progress.ts';

export function jsonProgress(stream: { write(text: string): unknown }, now: () => Date = () => new Date()): ProgressRenderer {
  const emit: Emit = (event) => {
    stream.write(`${JSON.stringify({ time: now().toISOString(), ...event })}\n`);
  };
  return { emit, stop() {} };
}
