// How the user called us: as `kubectl squirrly` (kubectl execs kubectl-squirrly from PATH)
// or directly. Help and usage use the same words the user typed.
import path from 'node:path';

export function commandName(argv1: string | undefined = process.argv[1]): string {
  const base = path.basename(argv1 ?? '');
  return base.startsWith('kubectl-') || base.startsWith('kubectl_') ? 'kubectl squirrly' : 'kubectl-squirrly';
}
