// `profile` and `doctor` against a JobManager whose REST API speaks TLS: the real CLI in a child
// process, the flags named like kubectl's, the flame graphs downloaded through the TLS endpoint.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli } from '../support/cli.ts';
import { createFlinkTlsCertificates } from '../support/flink-tls.ts';

describe('the CLI with Flink REST over TLS', () => {
  let scenario: Scenario;
  let dir: string;
  let caFile: string;
  before(async () => {
    const certs = await createFlinkTlsCertificates(['sample-job-rest.squirrly.svc']);
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2, restTls: { certPem: certs.certPem, keyPem: certs.keyPem } }] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-cli-tls-'));
    caFile = path.join(dir, 'flink-ca.pem');
    writeFileSync(caFile, certs.caPem);
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('profile --flink-ca-file saves one flame graph per TaskManager over TLS', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['profile', 'sample-job', '--flink-ca-file', caFile, '--type', 'ITIMER', '--duration', '1', '--no-analysis', '--output-dir', out], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readdirSync(path.join(out, 'squirrly', 'sample-job')).filter((f) => f.endsWith('.html')).length, 2);
  });

  it('doctor --flink-ca-file reaches the REST API with TLS; without the CA it names the flag', async () => {
    const ok = await runCli(['doctor', 'sample-job', '--flink-ca-file', caFile], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.match(ok.stdout, /Flink REST .*reachable through a port-forward to \S+ \(TLS\)/, ok.stdout);
    const untrusted = await runCli(['doctor', 'sample-job'], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.match(untrusted.stdout, /REST certificate is not trusted/, untrusted.stdout);
    assert.match(untrusted.stdout, /fix: .*--flink-ca-file/, untrusted.stdout);
  });
});
