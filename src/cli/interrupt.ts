// Ctrl-C (or SIGTERM) aborts the command's signal: the workflow closes its tunnels and throws
// InterruptedError. A second one calls `exit` (main.ts ends the process). `received` says which
// signal came first, so the exit code can follow it: 130 for SIGINT, 143 for SIGTERM.
export function listenForInterrupt(exit: (signal: NodeJS.Signals) => void): { signal: AbortSignal; readonly received: NodeJS.Signals | undefined; dispose(): void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) exit(signal);
    else {
      received = signal;
      controller.abort();
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
