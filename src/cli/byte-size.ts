// Sizes on the command line as Kubernetes writes quantities: 512Mi, 1Gi, 800M, or plain bytes.
import { UsageError } from '../errors.ts';

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function parseByteSize(text: string, flag: string): number {
  const m = /^(\d{1,15})(?:\.(\d{1,6}))?([kKMGT]i?|)$/.exec(text.trim());
  const unit = m ? UNITS[m[3] ?? ''] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${flag} "${text}" is not a size`, 'use a size like 512Mi, 1Gi or 4Gi');
  const bytes = Math.floor(Number(`${m[1]}.${m[2] ?? '0'}`) * unit);
  if (bytes < 1 || !Number.isSafeInteger(bytes)) throw new UsageError(`${flag} "${text}" is out of range`, 'use a size like 512Mi, 1Gi or 4Gi');
  return bytes;
}
