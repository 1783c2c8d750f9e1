import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { GLOBAL_OPTIONS } from '../../../src/cli/global-options.ts';
import { renderHelp } from '../../../src/cli/help.ts';

describe('help from the definitions', () => {
  it('lists every visible command and the global flags, within the width', () => {
    const text = renderHelp({ name: 'kubectl squirrly', commands: COMMANDS, globals: GLOBAL_OPTIONS, columns: 80 });
    assert.match(text, /^kubectl squirrly <command> \[flags\]$/m);
    for (const c of ['profile [deployment]', 'artifacts [deployment]', 'doctor [deployment]', 'analyze <files..>', 'version']) assert.match(text, new RegExp(`^  ${c.replace(/[[\]]/g, '\\$&')} `, 'm'));
    assert.doesNotMatch(text, /__complete/);
    assert.match(text, /^ {2}-n, --namespace NAME/m);
    for (const line of text.split('\n')) assert.ok(line.length <= 80, line);
  });
  it('a command shows its arguments, flags with values, negations and examples', () => {
    const profile = COMMANDS.find((c) => c.name === 'profile')!;
    const text = renderHelp({ name: 'kubectl squirrly', commands: COMMANDS, globals: GLOBAL_OPTIONS, command: profile, columns: 100 });
    assert.match(text, /^kubectl squirrly profile \[deployment\] \[flags\]$/m);
    assert.match(text, /^ {2}-d, --duration SECONDS +seconds to profile/m);
    assert.match(text, /--taskmanager ID\|POD…/);
    assert.match(text, /--no-analysis/);
    assert.match(text, /^ {2}kubectl squirrly profile sample-job --type ALLOC --duration 30$/m);
  });
});
