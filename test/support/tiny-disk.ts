// A real small or read-only file system for disk-fault tests: a tmpfs mounted for the test.
// Mounting needs root (CAP_SYS_ADMIN); without it the caller skips, saying why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TinyDisk {
  dir: string;
  cleanup(): void;
}

/** undefined when this machine does not let the test mount (not root, or no mount(8)). */
export function mountTinyDisk(options: { sizeBytes: number; readOnly?: boolean }): TinyDisk | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-disk-'));
  const flags = [`size=${options.sizeBytes}`, 'mode=0755', ...(options.readOnly ? ['ro'] : [])].join(',');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', flags, 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    cleanup() {
      spawnSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const NO_MOUNT = 'mounting a tmpfs needs root; this machine does not allow it';
