import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { kubeconfigPaths, loadKubeconfig } from '../../../src/kube/kubeconfig.ts';

function kubeconfig(opts: { cluster: string; server: string; context: string; namespace?: string; current?: string; user?: string }): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${opts.cluster}
  cluster:
    server: ${opts.server}
users:
- name: ${opts.user ?? 'u'}
  user:
    token: t-${opts.context}
contexts:
- name: ${opts.context}
  context:
    cluster: ${opts.cluster}
    user: ${opts.user ?? 'u'}
${opts.namespace ? `    namespace: ${opts.namespace}\n` : ''}${opts.current ? `current-context: ${opts.current}\n` : ''}`;
}

describe('kubeconfig loading follows kubectl, not client-node', () => {
  let dir: string;
  let a: string;
  let b: string;
  let c: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-kc-'));
    a = path.join(dir, 'a.yaml');
    b = path.join(dir, 'b.yaml');
    c = path.join(dir, 'c.yaml');
    await writeFile(a, kubeconfig({ cluster: 'shared', server: 'https://a.example:6443', context: 'ctx-a', namespace: 'ns-from-a', current: 'ctx-a' }));
    await writeFile(b, kubeconfig({ cluster: 'shared', server: 'https://b.example:6443', context: 'ctx-a', namespace: 'ns-from-b', current: 'ctx-b' }));
    await writeFile(c, kubeconfig({ cluster: 'other', server: 'https://c.example:6443', context: 'ctx-c', current: 'ctx-c' }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('first file wins for duplicate clusters, contexts and current-context', async () => {
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [a, b].join(path.delimiter) } });
    assert.equal(loaded.contextName, 'ctx-a');
    assert.equal(loaded.namespace, 'ns-from-a');
    assert.equal(loaded.server, 'https://a.example:6443');
  });

  it('ignores missing files in KUBECONFIG', async () => {
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [path.join(dir, 'nope.yaml'), c].join(path.delimiter) } });
    assert.equal(loaded.contextName, 'ctx-c');
    assert.equal(loaded.namespace, 'default');
  });

  it('namespace precedence: flag, then NAMESPACE, then context, then default', async () => {
    const env = { KUBECONFIG: a };
    assert.equal((await loadKubeconfig({ env, namespace: 'flag-ns' })).namespace, 'flag-ns');
    assert.equal((await loadKubeconfig({ env: { ...env, NAMESPACE: 'env-ns' } })).namespace, 'env-ns');
    assert.equal((await loadKubeconfig({ env })).namespace, 'ns-from-a');
  });

  it('--context selects another context and an unknown one lists the known ones', async () => {
    const env = { KUBECONFIG: [a, c].join(path.delimiter) };
    assert.equal((await loadKubeconfig({ env, context: 'ctx-c' })).server, 'https://c.example:6443');
    await assert.rejects(loadKubeconfig({ env, context: 'nope' }), (err: SquirrlyError) => {
      assert.match(err.message, /context "nope" does not exist/);
      assert.match(err.hint ?? '', /ctx-a, ctx-c/);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });

  it('an explicit --kubeconfig that does not exist is a usage error', async () => {
    await assert.rejects(loadKubeconfig({ env: {}, kubeconfig: path.join(dir, 'missing.yaml') }), /does not exist/);
  });

  it('a malformed file is named in the error', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'clusters: [ {name: x, cluster: ');
    await assert.rejects(loadKubeconfig({ env: {}, kubeconfig: bad }), (err: SquirrlyError) => {
      assert.match(err.message, /bad\.yaml is not valid/);
      return true;
    });
  });

  it('no kubeconfig anywhere says where it looked', async () => {
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: path.join(dir, 'none.yaml') } }), /no kubeconfig found/);
  });

  it('kubeconfigPaths splits KUBECONFIG and defaults to ~/.kube/config', () => {
    assert.deepEqual(kubeconfigPaths({ env: { KUBECONFIG: `x${path.delimiter}${path.delimiter}y` } }).paths, ['x', 'y']);
    assert.deepEqual(kubeconfigPaths({ env: {}, home: '/home/me' }).paths, [path.join('/home/me', '.kube', 'config')]);
    assert.deepEqual(kubeconfigPaths({ env: { KUBECONFIG: 'x' }, kubeconfig: 'k' }), { paths: ['k'], explicit: true });
  });
});
