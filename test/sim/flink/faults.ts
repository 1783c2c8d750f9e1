// The fault hooks of the Flink simulator: injected statuses, delays, dropped or truncated
// responses, and hostile output file names, each for a limited number of matching requests.
import type { FlinkFault } from '../types.ts';

/** The faults that shape what a started run writes rather than how a request is answered. */
type RunFault = { type: 'outputFile' } | { type: 'flameGraph' };

export type TransportFault = Exclude<FlinkFault['kind'], RunFault>;

export class FaultRegistry {
  private readonly faults: Array<{ fault: FlinkFault; remaining: number }> = [];

  add(fault: FlinkFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Infinity });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The transport faults for this request, in the order they were added; each use counts down. */
  takeTransportFaults(method: string, path: string): TransportFault[] {
    const taken: TransportFault[] = [];
    for (const entry of this.faults) {
      const kind = entry.fault.kind;
      if (kind.type === 'outputFile' || kind.type === 'flameGraph' || !this.applies(entry, method, path)) continue;
      entry.remaining--;
      taken.push(kind);
    }
    return taken;
  }

  /** A hostile output file name for a profiling run started by this request, if one is set. */
  takeOutputFile(method: string, path: string): string | undefined {
    for (const entry of this.faults) {
      const kind = entry.fault.kind;
      if (kind.type !== 'outputFile' || !this.applies(entry, method, path)) continue;
      entry.remaining--;
      return kind.name;
    }
    return undefined;
  }

  /** The page a run started by this request writes instead of the synthetic one, if one is set. */
  takeFlameGraph(method: string, path: string): string | undefined {
    for (const entry of this.faults) {
      const kind = entry.fault.kind;
      if (kind.type !== 'flameGraph' || !this.applies(entry, method, path)) continue;
      entry.remaining--;
      return kind.html;
    }
    return undefined;
  }

  private applies(entry: { fault: FlinkFault; remaining: number }, method: string, path: string): boolean {
    const { fault } = entry;
    if (entry.remaining <= 0) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
    if (typeof fault.path === 'string') return path.includes(fault.path);
    fault.path.lastIndex = 0; // a /g pattern would otherwise remember where it last matched
    return fault.path.test(path);
  }
}
