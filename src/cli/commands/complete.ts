// `__complete <words…>`: kubectl's completion entry point. Hidden, and it takes the words verbatim
// (they may end in half a flag), so nothing is parsed or checked.
import { ExitCode } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import type { PositionalArgument } from '../options.ts';

const words: PositionalArgument<string[]> = {
  kind: 'positional',
  usage: '<words..>',
  max: Number.POSITIVE_INFINITY,
  describe: 'the command line so far',
  parse: (raw) => raw,
};

export const completeCommand = defineCommand({
  name: '__complete',
  summary: 'shell completion candidates',
  hidden: true,
  verbatim: true,
  options: { words },
  async run(ctx, args) {
    // the registry lists this command too, so it is loaded on use rather than imported
    const [{ COMMANDS }, { GLOBAL_OPTIONS }, { complete }] = await Promise.all([import('./index.ts'), import('../global-options.ts'), import('../completion.ts')]);
    ctx.stdout.write(complete(args.words, COMMANDS, GLOBAL_OPTIONS));
    return ExitCode.ok;
  },
});
