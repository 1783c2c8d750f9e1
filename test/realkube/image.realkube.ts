// The OCI image that `npm run build:image` wrote (dist/image), checked with Debian's own tools:
// skopeo reads it, umoci unpacks it, crun runs it as the image's non-root user on a read-only root,
// and `doctor` passes inside it against the real API server, with a kubeconfig and in-cluster (a
// ServiceAccount token, CA and namespace mounted where Kubernetes mounts them, no kubeconfig); the
// monitor's CronJob container, run as its pod would run it, profiles. Without the image or the tools it skips
// saying why, except under CI (.ci/run builds the image and installs the tools first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PERMISSIONS } from '../../src/workflow/doctor-rbac.ts';
import { assembleMonitor } from '../../src/workflow/monitor-plan.ts';
import { repoRoot } from '../support/cli.ts';
import { realKubeSkipReason } from './control-plane.ts';
import { bundleProcess, missingOciTools, runContainer, unpackImage } from './oci-container.ts';
import { startRealScenario, type RealScenario } from './scenario.ts';

const layout = path.join(repoRoot, 'dist', 'image');
interface PodSpec {
  securityContext: { runAsUser: number; runAsGroup: number };
  containers: { args: string[]; env: { name: string; value: string }[]; volumeMounts: { name: string; mountPath: string }[] }[];
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function imageSkipReason(): string | undefined {
  const missing = missingOciTools();
  const reasons = [
    ...(existsSync(path.join(layout, 'index.json')) ? [] : ['no dist/image (npm run build:image builds it)']),
    ...(missing.length > 0 ? [`${missing.join(', ')} missing (apt-get install skopeo umoci crun)`] : []),
    ...(process.getuid?.() === 0 ? [] : ['crun needs root here']),
  ];
  if (reasons.length === 0) return undefined;
  if (process.env['CI']) throw new Error(`the image tests must run under CI: ${reasons.join('; ')}`);
  return reasons.join('; ');
}

const skip = imageSkipReason();

describe('the OCI image', { skip }, () => {
  let dir: string;
  let bundle: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-image-run-'));
    bundle = path.join(dir, 'bundle');
    unpackImage(layout, version, bundle);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('skopeo inspect: the tag, os/arch, labels, the non-root user and the entrypoint', () => {
    const image = spawnSync('skopeo', ['inspect', `oci:${layout}:${version}`], { encoding: 'utf8' });
    assert.equal(image.status, 0, image.stderr);
    const seen = JSON.parse(image.stdout);
    assert.equal(seen.Os, 'linux');
    assert.equal(seen.Architecture, 'amd64');
    assert.equal(seen.Labels['org.opencontainers.image.version'], version);
    assert.match(seen.Labels['org.opencontainers.image.revision'], /^[0-9a-f]{40}$/);
    assert.match(seen.Labels['org.opencontainers.image.source'], /^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    assert.equal(seen.Layers.length, 2);
    const config = spawnSync('skopeo', ['inspect', '--config', `oci:${layout}:${version}`], { encoding: 'utf8' });
    assert.equal(config.status, 0, config.stderr);
    const c = JSON.parse(config.stdout);
    assert.equal(c.config.User, '65532:65532');
    assert.deepEqual(c.config.Entrypoint, ['/usr/local/bin/kubectl-squirrly']);
  });

  it('umoci unpacks a root file system with no shell, and its runtime config runs as 65532', () => {
    const proc = bundleProcess(bundle);
    assert.deepEqual([proc.uid, proc.gid], [65532, 65532]);
    assert.deepEqual(proc.args, ['/usr/local/bin/kubectl-squirrly']);
    for (const shell of ['bin/sh', 'bin/bash', 'usr/bin/sh']) assert.ok(!existsSync(path.join(bundle, 'rootfs', shell)), shell);
    assert.ok(existsSync(path.join(bundle, 'rootfs', 'etc/ssl/certs/ca-certificates.crt')));
  });

  it('crun runs `kubectl-squirrly version` as the non-root user on a read-only root', async () => {
    const r = await runContainer(bundle, { args: ['version'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `kubectl-squirrly ${version}`);
  });

  describe('in the container against the real API server', { skip: realKubeSkipReason() }, () => {
    const NS = 'squirrly';
    let scenario: RealScenario;
    before(async () => {
      scenario = await startRealScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    });
    after(() => scenario?.stop());

    it('with a mounted kubeconfig (KUBECONFIG), every check passes: the port-forward to Flink works from the container', async () => {
      // readable by the container's user (the scenario writes its kubeconfigs 0600 for root)
      const config = path.join(dir, 'config');
      mkdirSync(config, { recursive: true });
      writeFileSync(path.join(config, 'kubeconfig'), readFileSync(scenario.writeKubeconfig()), { mode: 0o644 });
      const r = await runContainer(bundle, {
        args: ['doctor', 'sample-job'],
        env: { KUBECONFIG: '/config/kubeconfig' },
        mounts: { '/config': config },
        timeoutMs: 90_000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /ready to profile/);
    });

    it('a mounted ServiceAccount token, CA and namespace, KUBERNETES_SERVICE_HOST/PORT and no kubeconfig: every check passes', async () => {
      // exactly the permissions doctor checks, granted by a real Role to a real ServiceAccount token (TokenRequest)
      const rules = PERMISSIONS.map((p) => ({ apiGroups: [p.group], resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource], verbs: [p.verb] }));
      const token = await scenario.addUser('squirrly-image', rules);
      const secrets = path.join(dir, 'serviceaccount');
      mkdirSync(secrets, { recursive: true });
      writeFileSync(path.join(secrets, 'token'), token);
      writeFileSync(path.join(secrets, 'ca.crt'), scenario.controlPlane.caPem);
      writeFileSync(path.join(secrets, 'namespace'), NS);
      const server = new URL(scenario.server);
      const r = await runContainer(bundle, {
        args: ['doctor', 'sample-job'],
        env: { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
        mounts: { [SA_DIR]: secrets },
        timeoutMs: 90_000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const title of ['API server', 'RBAC get flinkdeployments', 'RBAC list pods', 'RBAC create pods/portforward', 'FlinkDeployment', 'Flink version', 'Flink REST', 'profiler routes']) {
        const line = r.stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
        assert.match(line, /^✔ /, `${title}\n${r.stdout}`);
      }
      assert.match(r.stdout, /in-cluster configuration with ServiceAccount \S+\/squirrly-image, namespace squirrly/);
      assert.match(r.stdout, /ready to profile/);
      assert.match(r.stdout, new RegExp(`-n ${NS}\\b`), 'the namespace file is the default namespace');
    });

    it('the monitor\'s CronJob container as the pod runs it (its args, env, emptyDirs, Role and ServiceAccount token) profiles on the read-only root', async () => {
      const plan = assembleMonitor({
        deploymentRef: 'sample-job', deployment: 'sample-job', sessionJob: false, namespace: NS, schedule: '*/5 * * * *',
        image: `kubectl-squirrly:${version}`, via: 'port-forward', durationSeconds: 1, profileFlags: ['-d', '1', '--no-analysis'],
      });
      const role = plan.objects.find((o) => o.kind === 'Role') as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
      const cronJob = plan.objects.find((o) => o.kind === 'CronJob') as unknown as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } };
      const pod = cronJob.spec.jobTemplate.spec.template.spec;
      const container = pod.containers[0]!;
      assert.equal(pod.securityContext.runAsUser, bundleProcess(bundle).uid, 'the pod runs as the image\'s user');
      const token = await scenario.addUser('squirrly-image-monitor', role.rules);
      const secrets = path.join(dir, 'monitor-serviceaccount');
      mkdirSync(secrets, { recursive: true });
      writeFileSync(path.join(secrets, 'token'), token);
      writeFileSync(path.join(secrets, 'ca.crt'), scenario.controlPlane.caPem);
      writeFileSync(path.join(secrets, 'namespace'), NS);
      // each emptyDir a fresh folder the pod's user owns, as fsGroup makes it
      const writable = Object.fromEntries(container.volumeMounts.map((m) => {
        const host = path.join(dir, `volume-${m.name}`);
        mkdirSync(host, { recursive: true });
        chownSync(host, pod.securityContext.runAsUser, pod.securityContext.runAsGroup);
        return [m.mountPath, host];
      }));
      const server = new URL(scenario.server);
      const r = await runContainer(bundle, {
        args: container.args,
        env: { ...Object.fromEntries(container.env.map((e) => [e.name, e.value])), KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
        mounts: { [SA_DIR]: secrets },
        writable,
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const output = container.volumeMounts.find((m) => container.args.some((a) => a.startsWith(`${m.mountPath}/`)))!;
      const saved = readdirSync(writable[output.mountPath]!, { recursive: true }).map(String).filter((f) => f.endsWith('.html'));
      assert.ok(saved.length > 0, `a flame graph was saved in the output emptyDir:\n${r.stdout}${r.stderr}`);
    });
  });
});
