// Every network wait has a deadline. client-node's generated APIs take no signal,
// so the wait is raced against a timer; the CLI ends the process, which drops the request.
import { SquirrlyError } from '../errors.ts';

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string, hint?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SquirrlyError(`${what} timed out after ${formatMs(ms)}`, { hint: hint ?? 'raise --request-timeout, or check the network' })),
      ms,
    );
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
