// Ctrl-C (or SIGTERM) aborts the command's signal: the workflow closes its tunnels and throws
// InterruptedError. A second one calls `exit` (main.ts ends the process with 130).
export function listenForInterrupt(exit: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) exit();
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
