// `kubectl squirrly version`: the plugin's version (main.ts answers the bare form even faster).
import { ExitCode } from '../../errors.ts';
import { defineCommand } from '../command.ts';

export const versionCommand = defineCommand({
  name: 'version',
  summary: 'print the version',
  options: {},
  async run(ctx) {
    const { VERSION } = await import('../../version.ts');
    ctx.stdout.write(ctx.options.output === 'json' ? JSON.stringify({ version: VERSION }) + '\n' : `kubectl-squirrly ${VERSION}\n`);
    return ExitCode.ok;
  },
});
