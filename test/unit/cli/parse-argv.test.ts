// The command line as users type it: flags before and after the command, greedy lists, negations,
// and every bad input as a UsageError (exit 2) before any command runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { findCommandWord, parseCommandLine } from '../../../src/cli/parse-argv.ts';
import { profileCommand } from '../../../src/cli/commands/profile.ts';
import { readArgs } from '../../../src/cli/command.ts';
import { ExitCode, UsageError } from '../../../src/errors.ts';

const usage = (message: RegExp) => (err: unknown) => err instanceof UsageError && err.exitCode === ExitCode.usage && message.test(err.message);

describe('parseCommandLine', () => {
  it('finds the command after global flags and their values', () => {
    assert.equal(findCommandWord(['-n', 'prod', '--context', 'c', 'profile', 'x']), 4);
    assert.equal(findCommandWord(['--namespace=prod', '-q', 'doctor']), 2);
    assert.equal(findCommandWord(['--', 'profile']), -1);
  });

  it('global flags anywhere, command flags typed with their defaults', () => {
    const inv = parseCommandLine(['-n', 'prod', 'profile', 'job', '-o', 'json', '--no-color', '--request-timeout', '2m'], COMMANDS, {});
    assert.equal(inv.kind, 'run');
    if (inv.kind !== 'run') return;
    assert.equal(inv.command.name, 'profile');
    assert.equal(inv.globals.namespace, 'prod');
    assert.equal(inv.globals.output, 'json');
    assert.equal(inv.globals.color, false);
    assert.equal(inv.globals.requestTimeout, 120_000);
    assert.equal(inv.globals.progress, 'auto');
  });

  it('profile values: env fallbacks, greedy lists, negation', () => {
    const args = readArgs(profileCommand.options, { values: {}, positionals: [] }, { FLINK_DEPLOYMENT_NAME: 'env-job', PROFILER_TYPE: 'wall', PROFILER_DURATION: '7' });
    assert.deepEqual({ d: args.deployment, t: args.type, s: args.duration, a: args.analysis, v: args.via }, { d: 'env-job', t: 'WALL', s: 7, a: true, v: 'port-forward' });
    const inv = parseCommandLine(['profile', '--taskmanager', 'tm-1', 'tm-2', '--no-analysis', '-d', '5', '--via', 'proxy'], COMMANDS, {});
    assert.equal(inv.kind, 'run');
  });

  it('greedy lists take the words after them, like --download a b', () => {
    const inv = parseCommandLine(['artifacts', 'job', '--download', 'a.html', 'b.html', '--latest'], COMMANDS, {});
    assert.equal(inv.kind, 'run');
  });

  it('help wins over everything, for the command named', () => {
    assert.deepEqual(parseCommandLine(['--help'], COMMANDS, {}), { kind: 'help' });
    const inv = parseCommandLine(['profile', '--bogus', '-h'], COMMANDS, {});
    assert.equal(inv.kind === 'help' && inv.command?.name, 'profile');
  });

  it('bad flags are usage errors with the flag named', () => {
    assert.throws(() => parseCommandLine(['profile', '--bogus'], COMMANDS, {}), usage(/^unknown flag --bogus for profile$/));
    assert.throws(() => parseCommandLine(['profile', '--via', 'exec'], COMMANDS, {}), usage(/^--via "exec" is not one of port-forward, proxy, direct$/));
    assert.throws(() => parseCommandLine(['profile', '-d'], COMMANDS, {}), usage(/^--duration needs a value$/));
    assert.throws(() => parseCommandLine(['profile', '-d', 'ten'], COMMANDS, {}), usage(/whole number/));
    assert.throws(() => parseCommandLine(['profile', 'job', '-d', '0x10'], COMMANDS, {}), usage(/whole number of seconds of at least 1, got "0x10"/));
    assert.throws(() => parseCommandLine(['profile', 'job', '--output-dir', ''], COMMANDS, {}), usage(/--output-dir is empty/));
    assert.throws(() => parseCommandLine(['artifacts', 'job', '--output-dir='], COMMANDS, {}), usage(/--output-dir is empty/));
    assert.throws(() => parseCommandLine(['doctor', 'Not_A_Name'], COMMANDS, {}), usage(/not a valid FlinkDeployment name/));
    const fixture = path.join(import.meta.dirname, '..', '..', 'fixtures', 'flamegraphs', 'synthetic-v3-itimer.html');
    assert.throws(() => parseCommandLine(['analyze', fixture, '--output-dir', ''], COMMANDS, {}), usage(/--output-dir is empty/));
    assert.throws(() => parseCommandLine(['profile', 'a', 'b'], COMMANDS, {}), usage(/unexpected argument "b"/));
    assert.throws(() => parseCommandLine(['profile', '--search-dirs', 'rel/dir'], COMMANDS, {}), usage(/absolute path/));
    assert.throws(() => parseCommandLine(['artifacts', '--limit', '-1'], COMMANDS, {}), usage(/--limit needs a value/));
    assert.throws(() => parseCommandLine(['artifacts', '--limit=-1'], COMMANDS, {}), usage(/--limit must be a whole number of at least 0, got "-1"/));
    assert.throws(() => parseCommandLine(['-o', 'yaml', 'version'], COMMANDS, {}), usage(/--output "yaml"/));
    assert.throws(() => parseCommandLine(['--request-timeout', 'soon', 'version'], COMMANDS, {}), usage(/not a duration/));
    assert.throws(() => parseCommandLine(['prof'], COMMANDS, {}), usage(/unknown command "prof"/));
    assert.throws(() => parseCommandLine([], COMMANDS, {}), usage(/name a command/));
  });

  it('analyze checks its files before anything runs', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-parse-'));
    try {
      const file = path.join(dir, 'a.html');
      writeFileSync(file, '');
      assert.equal(parseCommandLine(['analyze', file], COMMANDS, {}).kind, 'run');
      assert.throws(() => parseCommandLine(['analyze'], COMMANDS, {}), usage(/no flame graph given/));
      assert.throws(() => parseCommandLine(['analyze', dir], COMMANDS, {}), usage(/is a folder/));
      assert.throws(() => parseCommandLine(['analyze', path.join(dir, 'nope.html')], COMMANDS, {}), usage(/does not exist/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('__complete takes its words verbatim, half flags included', () => {
    const inv = parseCommandLine(['__complete', 'profile', '--dur'], COMMANDS, {});
    assert.equal(inv.kind, 'run');
  });
});
