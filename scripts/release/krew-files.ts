// krew's install step for one platform (pkg/installation/move.go): each `files` entry moves the
// archive paths matching glob `from` to `to` inside the plugin folder; no `files` means {from: "*", to: "."}.
import path from 'node:path';

export interface FileOperation { from: string; to: string }

function globToRegExp(glob: string): RegExp {
  const body = glob.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** Maps archive paths (posix, relative) to their installed paths (posix, relative to the plugin folder). */
export function applyFileOperations(archivePaths: readonly string[], files: readonly FileOperation[] | undefined): Map<string, string> {
  const ops = files ?? [{ from: '*', to: '.' }];
  const installed = new Map<string, string>();
  for (const op of ops) {
    const re = globToRegExp(path.posix.normalize(op.from));
    // A glob matching a directory moves the whole directory, like krew's rename.
    const tops = new Set(archivePaths.map((p) => p.split('/').slice(0, op.from.split('/').length).join('/')));
    for (const match of [...tops].filter((t) => re.test(t))) {
      for (const p of archivePaths) {
        if (p === match || p.startsWith(`${match}/`)) {
          installed.set(p, path.posix.normalize(path.posix.join(op.to, path.posix.basename(match), p.slice(match.length))));
        }
      }
    }
  }
  return installed;
}

/** License file names krew's validate-krew-manifest accepts (compared case-insensitively). */
export const LICENSE_NAMES = ['license', 'license.txt', 'license.md', 'licenses', 'licenses.txt', 'licenses.md', 'copying', 'copying.txt'];
