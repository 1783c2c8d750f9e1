// The network cases that depend on the whole process (its trust store, its environment): the real
// CLI in a child process against the Kubernetes simulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServerCertificates } from '../sim/kube/certificates.ts';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli } from '../support/cli.ts';
import { startConnectProxy, writeNetworkKubeconfig } from '../support/network-fronts.ts';

/** the line of one doctor check */
function line(stdout: string, title: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
}

describe('the network, as the CLI sees it', () => {
  let scenario: Scenario;
  let dir: string;
  let caFile: string;
  let emptyDir: string;
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-netcli-'));
    caFile = path.join(dir, 'system-ca.pem');
    writeFileSync(caFile, scenario.kube.caPem);
    emptyDir = mkdtempSync(path.join(dir, 'certs-'));
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = (kubeconfig: string, env: NodeJS.ProcessEnv) => runCli(['doctor', 'sample-job'], { env: { KUBECONFIG: kubeconfig, ...env } });

  it('trusts a CA that is only in the operating system store (SSL_CERT_FILE), as kubectl does', async () => {
    const file = writeNetworkKubeconfig(dir, 'no-ca', { server: scenario.server, namespace: 'squirrly', token: scenario.token });
    const trusted = await doctor(file, { SSL_CERT_FILE: caFile, SSL_CERT_DIR: emptyDir });
    assert.match(line(trusted.stdout, 'API server'), /answers \(Kubernetes v/, trusted.stdout + trusted.stderr);
    // the same kubeconfig with a system store that lacks the CA: the certificate is not trusted
    const untrusted = await doctor(file, { SSL_CERT_FILE: path.join(emptyDir, 'none.pem'), SSL_CERT_DIR: emptyDir });
    assert.match(line(untrusted.stdout, 'API server'), /certificate|UNABLE_TO_VERIFY|self.signed/i, untrusted.stdout);
  });

  it("a kubeconfig CA replaces the defaults, the system store included (client-go's rule)", async () => {
    const other = await createServerCertificates();
    const file = writeNetworkKubeconfig(dir, 'other-ca', { server: scenario.server, namespace: 'squirrly', token: scenario.token, caPem: other.caPem });
    const r = await doctor(file, { SSL_CERT_FILE: caFile, SSL_CERT_DIR: emptyDir });
    assert.match(line(r.stdout, 'API server'), /certificate|UNABLE_TO_VERIFY|self.signed/i, r.stdout);
  });

  it('doctor reports the proxy in use and where it was configured', async (t) => {
    const simPort = Number(new URL(scenario.server).port);
    const proxy = await startConnectProxy(() => ({ host: '127.0.0.1', port: simPort }));
    t.after(() => proxy.stop());
    const file = writeNetworkKubeconfig(dir, 'proxied', { server: `https://kube.squirrly.test:${simPort}`, namespace: 'squirrly', token: scenario.token, caPem: scenario.kube.caPem });
    const r = await doctor(file, { HTTPS_PROXY: proxy.url });
    assert.match(line(r.stdout, 'API server'), new RegExp(`answers through the proxy ${proxy.url} \\(HTTPS_PROXY\\) \\(Kubernetes v`), r.stdout + r.stderr);
    assert.ok(proxy.connects.length > 0);
  });
});
