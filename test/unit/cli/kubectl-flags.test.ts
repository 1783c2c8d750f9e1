// kubectl's global flags as users type them after `kubectl squirrly`, parsed into the overrides
// the kubeconfig loader applies; kubectl-only flags are accepted and ignored.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { kubectlOverrides } from '../../../src/cli/context.ts';
import { MAX_TIMEOUT_MS, normalizeKubectlArgv, parseRequestTimeout } from '../../../src/cli/global-options.ts';
import { parseCommandLine, type Invocation } from '../../../src/cli/parse-argv.ts';
import { UsageError } from '../../../src/errors.ts';

function globalsOf(argv: string[]) {
  const inv: Invocation = parseCommandLine(argv, COMMANDS, {});
  assert.equal(inv.kind, 'run');
  if (inv.kind !== 'run') throw new Error('not a run');
  return inv.globals;
}

describe("kubectl's global flags", () => {
  it('every credential and cluster flag is accepted before or after the command and becomes an override', () => {
    const globals = globalsOf([
      '--as', 'alice', '--as-group', 'devs', '--as-group', 'ops', '--as-uid', '42', 'doctor', 'sample-job',
      '--token', 'secret', '-s', 'https://flag:6443', '--user', 'u2', '--cluster', 'c2', '--certificate-authority', 'ca.pem',
      '--client-certificate', 'c.pem', '--client-key', 'k.pem', '--insecure-skip-tls-verify', '--tls-server-name', 'api.example',
      '--username', 'bob', '--password', 'pw',
    ]);
    assert.deepEqual(kubectlOverrides(globals), {
      cluster: 'c2', user: 'u2', server: 'https://flag:6443', tlsServerName: 'api.example',
      certificateAuthority: path.resolve('ca.pem'), insecureSkipTlsVerify: true, token: 'secret',
      clientCertificate: path.resolve('c.pem'), clientKey: path.resolve('k.pem'), username: 'bob', password: 'pw',
      as: 'alice', asUid: '42', asGroups: ['devs', 'ops'],
    });
  });

  it('--as-group takes one value each time: the words after it stay the command and its argument', () => {
    const inv = parseCommandLine(['--as-group', 'devs', 'profile', 'sample-job'], COMMANDS, {});
    assert.equal(inv.kind === 'run' && inv.command.name, 'profile');
    assert.deepEqual(inv.kind === 'run' && inv.globals.asGroup, ['devs']);
  });

  it('-nNS, -n NS, --namespace=NS and --namespace NS', () => {
    for (const argv of [['-nsquirrly', 'doctor'], ['doctor', '-nsquirrly'], ['-n', 'squirrly', 'doctor'], ['--namespace=squirrly', 'doctor'], ['doctor', '--namespace', 'squirrly']]) {
      assert.equal(globalsOf(argv).namespace, 'squirrly', argv.join(' '));
    }
  });

  it('-v N, -v=N, -vN and --v=N are a log level; -v alone is still --verbose', () => {
    for (const argv of [['-v', '6', 'doctor'], ['doctor', '-v=6'], ['-v6', 'doctor'], ['doctor', '--v=6'], ['--v', '6', 'doctor']]) {
      const g = globalsOf(argv);
      assert.deepEqual([g.v, g.verbose], [6, false], argv.join(' '));
    }
    const alone = globalsOf(['doctor', '-v', 'sample-job']);
    assert.deepEqual([alone.v, alone.verbose], [undefined, true]);
    assert.deepEqual(normalizeKubectlArgv(['doctor', '--', '-v', '6']), ['doctor', '--', '-v', '6']);
    assert.throws(() => globalsOf(['doctor', '--v=high']), UsageError);
  });

  it("kubectl-only flags are accepted and ignored", () => {
    const g = globalsOf(['--cache-dir', '/tmp/kc', '--disable-compression', '--match-server-version', '--warnings-as-errors', '--log-flush-frequency=5s', '--profile', 'none', '--profile-output', 'p.out', '--vmodule', 'x=2', 'doctor']);
    assert.deepEqual(kubectlOverrides(g), {});
  });

  it('--request-timeout takes Go durations and whole seconds, like kubectl', () => {
    assert.equal(globalsOf(['--request-timeout=1m30s', 'doctor']).requestTimeout, 90_000);
    assert.equal(parseRequestTimeout('1h2m3.5s'), 3_723_500);
    assert.equal(parseRequestTimeout('500ms'), 500);
    assert.equal(parseRequestTimeout('90'), 90_000);
    assert.equal(parseRequestTimeout('1.5h'), 5_400_000);
    assert.equal(parseRequestTimeout('0'), MAX_TIMEOUT_MS);
    assert.equal(parseRequestTimeout('0s'), MAX_TIMEOUT_MS);
    for (const bad of ['soon', '-1s', '1x', '1m30', '', 's']) assert.throws(() => parseRequestTimeout(bad), /is not a duration/, bad);
  });

  it('huge timeouts are clamped to what a timer can wait, never overflowing to an instant timeout', () => {
    assert.equal(parseRequestTimeout('9999999999'), MAX_TIMEOUT_MS);
    assert.equal(parseRequestTimeout('100000h'), MAX_TIMEOUT_MS);
    assert.equal(parseRequestTimeout('1ns'), 1);
  });
});
