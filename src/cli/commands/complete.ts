// Shell completion for kubectl 1.26+: kubectl runs `kubectl_complete-squirrly __complete <words…>`
// and expects Cobra's format: one candidate per line, then ":<directive>" (4 = no file completion).
const COMMANDS = ['profile', 'artifacts', 'analyze', 'doctor', 'version'];
const FLAGS: Record<string, string[]> = {
  '': ['--kubeconfig', '--context', '--namespace', '--output', '--no-color', '--quiet', '--verbose', '--request-timeout', '--help'],
  profile: ['--type', '--duration', '--taskmanager', '--jobmanager', '--output-dir', '--search-dirs', '--via', '--provider', '--model', '--base-url', '--prompt-file', '--redact', '--no-analysis', '--open'],
  artifacts: ['--download', '--latest', '--all', '--limit', '--analyze', '--output-dir', '--search-dirs', '--via', '--provider', '--model', '--base-url', '--prompt-file', '--redact'],
  analyze: ['--provider', '--model', '--base-url', '--prompt-file', '--redact'],
  doctor: ['--via'],
};
const VALUES: Record<string, string[]> = {
  '--type': ['CPU', 'ITIMER', 'ALLOC', 'LOCK', 'WALL'],
  '-t': ['CPU', 'ITIMER', 'ALLOC', 'LOCK', 'WALL'],
  '--output': ['text', 'json'],
  '-o': ['text', 'json'],
  '--provider': ['openai', 'builtin', 'none'],
  '--via': ['port-forward', 'proxy'],
};
const NO_FILE_COMPLETION = 4;

export function complete(words: string[]): string {
  const current = words[words.length - 1] ?? '';
  const previous = words[words.length - 2] ?? '';
  const command = words.find((w) => COMMANDS.includes(w)) ?? '';
  let candidates: string[];
  if (VALUES[previous]) candidates = VALUES[previous]!;
  else if (current.startsWith('-')) candidates = [...(FLAGS[command] ?? []), ...FLAGS['']!];
  else if (!command) candidates = COMMANDS;
  else candidates = [];
  const lines = candidates.filter((c) => c.startsWith(current));
  return [...lines, `:${NO_FILE_COMPLETION}`].join('\n') + '\n';
}
