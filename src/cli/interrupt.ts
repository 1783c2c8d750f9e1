// Ctrl-C stops waiting: the workflow sees an aborted signal, closes its tunnels and throws
// InterruptedError. A second Ctrl-C exits at once.
export function interruptSignal(onSecond: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) onSecond();
    else controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
