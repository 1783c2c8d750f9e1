// Flink's REST API over TLS through the tunnels, on the simulator: detected from the deployment's
// configuration, spoken by the plugin through a port-forward or by the API server through its proxy,
// with the CA, skip-verify, client certificate and server name flags; plain HTTP into a TLS port
// says which setting is missing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RestTlsFlags } from '../../../src/flink/rest-tls.ts';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { deploymentFacts, type DeploymentFacts } from '../../../src/workflow/deployment-checks.ts';
import { openFlinkSession } from '../../../src/workflow/flink-session.ts';
import type { RestVia } from '../../../src/workflow/rest-transport.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';
import { createFlinkTlsCertificates, type FlinkTlsCertificates } from '../../support/flink-tls.ts';

describe('Flink REST over TLS', () => {
  let certs: FlinkTlsCertificates;
  let dir: string;
  const files: Record<string, string> = {};
  before(async () => {
    certs = await createFlinkTlsCertificates(['sample-job-rest.squirrly.svc', 'sample-job-rest']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-flink-tls-'));
    for (const [name, pem] of Object.entries({ ca: certs.caPem, clientCert: certs.clientCertPem, clientKey: certs.clientKeyPem, clientCa: certs.clientCaPem })) {
      files[name] = path.join(dir, `${name}.pem`);
      writeFileSync(files[name], pem);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function cluster(t: { after(fn: () => Promise<void>): void }, restTls: { clientCaPem?: string } | undefined, undeclared = false): Promise<{ scenario: Scenario; cluster: Cluster; facts: DeploymentFacts; jobManager: string }> {
    const scenario = await startScenario({
      deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1, ...(restTls ? { restTls: { certPem: certs.certPem, keyPem: certs.keyPem, ...restTls } } : {}) }],
    });
    t.after(() => scenario.stop());
    if (undeclared) {
      scenario.updateDeployment('squirrly', 'sample-job', (d) => {
        const conf = (d.spec as { flinkConfiguration: Record<string, string> }).flinkConfiguration;
        delete conf['security.ssl.rest.enabled'];
      });
    }
    const connected = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 10_000 });
    const object = await connected.getFlinkDeployment('sample-job');
    const jobManager = scenario.pods('squirrly').find((p) => p.labels.component === 'jobmanager')!.name;
    return { scenario, cluster: connected, facts: deploymentFacts(object!, 'sample-job', 'squirrly'), jobManager };
  }

  async function open(env: Awaited<ReturnType<typeof cluster>>, tls: RestTlsFlags | undefined, via: RestVia = 'port-forward') {
    return openFlinkSession(env.cluster, { facts: env.facts, via, jobManagerPod: env.jobManager, attempts: 1, ...(tls ? { tls } : {}) });
  }

  it('reads the TLS setting like Flink: security.ssl.rest.enabled, else security.ssl.enabled', () => {
    const facts = (conf: Record<string, string>) => deploymentFacts({ spec: { flinkConfiguration: conf } }, 'x', 'ns');
    assert.equal(facts({ 'security.ssl.rest.enabled': 'true' }).restTls, true);
    assert.equal(facts({ 'security.ssl.enabled': 'true' }).restTls, true);
    assert.equal(facts({ 'security.ssl.enabled': 'true', 'security.ssl.rest.enabled': 'false' }).restTls, false);
    assert.equal(facts({}).restTls, false);
    assert.equal(facts({ 'security.ssl.rest.authentication-enabled': 'true' }).restTlsClientAuth, true);
  });

  it('speaks https through the port-forward when the deployment enables it, checking the certificate with --flink-ca-file', async (t) => {
    const env = await cluster(t, {});
    assert.equal(env.facts.restTls, true);
    const session = await open(env, { caFile: files.ca! });
    try {
      assert.match(session.flinkVersion ?? '', /^1\.20/);
      assert.match(session.transport.route, /\(TLS\)$/);
      assert.ok(session.taskManagers.length === 1);
    } finally {
      await session.close();
    }
  });

  it('without the CA the certificate is not trusted, and the fix names --flink-ca-file', async (t) => {
    const env = await cluster(t, {});
    await assert.rejects(open(env, undefined), (err: Error & { hint?: string }) => {
      assert.match(err.message, /REST certificate is not trusted/);
      assert.match(err.hint ?? '', /--flink-ca-file/);
      return true;
    });
  });

  it('--flink-insecure-skip-tls-verify speaks TLS without checking', async (t) => {
    const env = await cluster(t, {});
    const session = await open(env, { insecureSkipVerify: true });
    await session.close();
  });

  it('a certificate for other names asks for --flink-tls-server-name, which then works', async (t) => {
    const env = await cluster(t, {});
    await assert.rejects(open(env, { caFile: files.ca!, serverName: 'jobmanager.example' }), (err: Error & { hint?: string }) => {
      assert.match(err.message, /not for jobmanager\.example/);
      assert.match(err.hint ?? '', /--flink-tls-server-name/);
      return true;
    });
    const session = await open(env, { caFile: files.ca!, serverName: 'sample-job-rest' });
    await session.close();
  });

  it('mutual TLS: refused without a client certificate (the fix names --flink-client-cert), accepted with one', async (t) => {
    const env = await cluster(t, { clientCaPem: certs.clientCaPem });
    assert.equal(env.facts.restTlsClientAuth, true);
    await assert.rejects(open(env, { caFile: files.ca! }), (err: Error & { hint?: string }) => {
      assert.match(err.hint ?? '', /--flink-client-cert/, `${err.message}`);
      return true;
    });
    const session = await open(env, { caFile: files.ca!, clientCert: files.clientCert!, clientKey: files.clientKey! });
    await session.close();
  });

  it('--via proxy asks the API server for https:<service>:<port>', async (t) => {
    const env = await cluster(t, {});
    const session = await open(env, undefined, 'proxy');
    try {
      assert.match(session.transport.route, /https:sample-job-rest:rest/);
      assert.ok(env.scenario.requests.some((r) => r.path.startsWith('/api/v1/namespaces/squirrly/services/https:sample-job-rest:rest/proxy/')));
    } finally {
      await session.close();
    }
  });

  it('plain HTTP into a TLS port the deployment does not declare: one line naming security.ssl.rest.enabled', async (t) => {
    const env = await cluster(t, {}, true);
    assert.equal(env.facts.restTls, false);
    await assert.rejects(open(env, undefined), (err: Error & { hint?: string }) => {
      assert.match(err.message, /speaks TLS, but its flinkConfiguration does not set security\.ssl\.rest\.enabled/);
      assert.doesNotMatch(err.message, /UND_ERR|rest\.port/);
      assert.match(err.hint ?? '', /--flink-ca-file/);
      return true;
    });
  });

  it('plain HTTP into a TLS port through --via proxy: the same line, found by asking again with https:', async (t) => {
    const env = await cluster(t, {}, true);
    await assert.rejects(open(env, undefined, 'proxy'), (err: Error & { hint?: string }) => {
      assert.match(err.message, /speaks TLS, but its flinkConfiguration does not set security\.ssl\.rest\.enabled/);
      return true;
    });
    assert.ok(env.scenario.requests.some((r) => r.path.includes('/services/https:sample-job-rest:rest/proxy/')));
  });

  it('a REST port that fails for another reason is not taken for TLS', async (t) => {
    const env = await cluster(t, undefined);
    env.scenario.flink('sample-job')!.faults.add({ path: '/config', kind: { type: 'drop' } });
    await assert.rejects(open(env, undefined), (err: Error) => {
      assert.doesNotMatch(err.message, /speaks TLS/);
      assert.match(err.message, /cannot reach the Flink REST API/);
      return true;
    });
  });

  it('a client certificate without its key is a usage error', async (t) => {
    const env = await cluster(t, {});
    await assert.rejects(open(env, { clientCert: files.clientCert! }), /--flink-client-cert and --flink-client-key go together/);
  });
});
