// Entry point: run one command; turn typed errors into one line and an exit code. Only this
// file ends the process, and it does so explicitly so no lingering handle delays the exit.
import { ExitCode } from '../errors.ts';

export async function main(argv: string[]): Promise<void> {
  // `kubectl squirrly … | head` closes stdout early: stop quietly, like other CLI tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.ok);
  });
  let code: number;
  let interrupted: (() => NodeJS.Signals | undefined) | undefined;
  try {
    // `version` is what scripts and `kubectl plugin list` checks call most: answer it without
    // loading the command definitions.
    if (argv.length === 1 && argv[0] === 'version') {
      const { VERSION } = await import('../version.ts');
      process.stdout.write(`kubectl-squirrly ${VERSION}\n`);
      process.exit(ExitCode.ok);
    }
    // The executable carries its help pre-rendered: answer it as fast as `version`.
    if (argv.includes('--help') || argv.includes('-h')) {
      const [{ prebuiltHelp }, { commandName }] = await Promise.all([import('./prebuilt-help.ts'), import('./invocation.ts')]);
      const stdout = process.stdout;
      const width = Math.min(110, (stdout.isTTY ? stdout.columns : 0) || 100);
      const text = prebuiltHelp(argv, width, commandName());
      if (text !== undefined) {
        stdout.write(text);
        await flush(stdout);
        process.exit(ExitCode.ok);
      }
    }
    const [{ runCli }, { listenForInterrupt }] = await Promise.all([import('./run.ts'), import('./interrupt.ts')]);
    // the first Ctrl-C aborts the command's signal; the second ends the process here
    const interrupt = listenForInterrupt((signal) => process.exit(signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted));
    interrupted = () => interrupt.received;
    try {
      code = await runCli(argv, process.env, interrupt.signal);
    } finally {
      interrupt.dispose();
    }
  } catch (err) {
    const [{ renderError }, { Chalk }, { terminalSink }, { SecretScrubber }] = await Promise.all([import('./render/errors.ts'), import('chalk'), import('./render/terminal-sink.ts'), import('../text/secrets.ts')]);
    const color = !process.env.NO_COLOR && !argv.includes('--no-color') && process.stderr.isTTY === true;
    const rendered = renderError(err, new Chalk({ level: color ? 1 : 0 }), argv.some(isVerboseWord));
    // the error may quote a URL or a server's answer: the key and any URL credentials are blanked
    const secrets = SecretScrubber.fromEnv(process.env).addUrls(argv.map((a) => a.slice(a.indexOf('=') + 1))).add(credentialFlags(argv));
    terminalSink(process.stderr, { colour: color, secrets }).write(rendered.text);
    code = rendered.exitCode;
  }
  await flush(process.stdout);
  await flush(process.stderr);
  // a command stopped by SIGTERM exits 143, by Ctrl-C 130
  const signal = interrupted?.();
  process.exit(signal === 'SIGTERM' && code === ExitCode.interrupted ? ExitCode.terminated : (code ?? ExitCode.failure));
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', () => resolve())));
}

/** -v, --verbose, or kubectl's log level above 0 (-v 6 starts with -v too); read before parsing, which may have failed. */
function isVerboseWord(word: string): boolean {
  return word === '-v' || word === '--verbose' || /^-(?:-v=|v=?)0*[1-9]\d*$/.test(word);
}

/** The values of --token and --password, as `--token X` or `--token=X`. */
function credentialFlags(argv: string[]): string[] {
  return argv.flatMap((a, i) => {
    for (const flag of ['--token', '--password']) {
      if (a === flag && argv[i + 1] !== undefined) return [argv[i + 1]!];
      if (a.startsWith(`${flag}=`)) return [a.slice(flag.length + 1)];
    }
    return [];
  });
}
