import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { GLOBAL_OPTIONS } from '../../../src/cli/global-options.ts';
import { helpTable, renderHelp } from '../../../src/cli/help.ts';
import { PREBUILT_WIDTHS, prebuiltHelp } from '../../../src/cli/prebuilt-help.ts';

const table = helpTable(COMMANDS, GLOBAL_OPTIONS);
const live = (columns: number, name: string, command?: string): string => {
  const c = COMMANDS.find((x) => x.name === command);
  return renderHelp({ name, commands: COMMANDS, globals: GLOBAL_OPTIONS, columns, ...(c ? { command: c } : {}) });
};

describe('help pre-rendered for the executable', () => {
  it('is the live help, for both spellings of the name, at every prebuilt width', () => {
    for (const width of PREBUILT_WIDTHS) {
      for (const name of ['kubectl squirrly', 'kubectl-squirrly']) {
        assert.equal(prebuiltHelp(['--help'], width, name, table), live(width, name));
        for (const c of COMMANDS.filter((x) => !x.hidden)) assert.equal(prebuiltHelp([c.name, '-h'], width, name, table), live(width, name, c.name), c.name);
      }
    }
  });

  it('finds the command the way the parser does, and stays out of the way otherwise', () => {
    const name = 'kubectl squirrly';
    assert.equal(prebuiltHelp(['-n', 'profile', '--help'], 100, name, table), live(100, name));
    assert.equal(prebuiltHelp(['-n', 'prod', 'doctor', 'x', '--help'], 100, name, table), live(100, name, 'doctor'));
    assert.equal(prebuiltHelp(['-v', '6', '--as-group', 'devs', 'profile', '--help'], 100, name, table), live(100, name, 'profile'), 'kubectl\'s -v N and repeatable value flags');
    assert.equal(prebuiltHelp(['profile', 'x'], 100, name, table), undefined);
    assert.equal(prebuiltHelp(['analyze', '--', '--help'], 100, name, table), undefined);
    assert.equal(prebuiltHelp(['--help'], 80, name, table), undefined, 'other widths render live');
    assert.equal(prebuiltHelp(['--help'], 100, name, undefined), undefined, 'the sources have no table');
  });
});
