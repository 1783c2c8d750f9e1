// Small text helpers the command renderers share.
import path from 'node:path';

/** A path relative to the working directory when it is below it, else as given. */
export function relativePath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

/** Why a saved file is not under the name that was asked for, or was not written at all. */
export function existingNote(existing: 'identical' | 'kept-both' | undefined): string {
  if (existing === 'identical') return 'already there with the same bytes; kept as it was';
  if (existing === 'kept-both') return 'the name was taken by a different file; both kept';
  return '';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
