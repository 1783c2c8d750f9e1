import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { kubeconfigPaths, loadKubeconfig, MAX_KUBECONFIG_BYTES } from '../../../src/kube/kubeconfig.ts';
import { kubectlSkipReason, runKubectl } from '../../support/kubectl.ts';

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

  it('an empty file elsewhere in KUBECONFIG is skipped, as kubectl does', async () => {
    const empty = path.join(dir, 'empty.yaml');
    const blank = path.join(dir, 'blank.yaml');
    await writeFile(empty, '');
    await writeFile(blank, '  \n\n');
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [empty, blank, c].join(path.delimiter) } });
    assert.equal(loaded.contextName, 'ctx-c');
    assert.deepEqual(loaded.files, [empty, blank, c]);
  });

  it('an undecodable file or a folder in KUBECONFIG is an error naming it, as with kubectl', async () => {
    const bad = path.join(dir, 'broken.yaml');
    await writeFile(bad, 'clusters: [ {name: x, cluster: ');
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: [c, bad].join(path.delimiter) } }), /broken\.yaml is not valid/);
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: [dir, c].join(path.delimiter) } }), /is not a regular file/);
  });

  it('a context without a cluster, or one naming a missing cluster, elsewhere in the list does not matter', async () => {
    const odd = path.join(dir, 'odd.yaml');
    await writeFile(odd, 'contexts:\n- name: no-cluster\n  context:\n    user: u\n- name: lost\n  context:\n    cluster: nowhere\nusers:\n- name: nameless-cluster-user\n');
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [odd, c].join(path.delimiter) } });
    assert.equal(loaded.server, 'https://c.example:6443');
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: [odd, c].join(path.delimiter) }, context: 'lost' }), /refers to cluster "nowhere", which the kubeconfig does not define/);
  });

  it('a context whose user is missing keeps the cluster and its CA, and says so', async () => {
    const file = path.join(dir, 'ghost.yaml');
    await writeFile(file, 'clusters:\n- name: k\n  cluster:\n    server: https://k.example\n    certificate-authority-data: Q0E=\ncontexts:\n- name: g\n  context:\n    cluster: k\n    user: ghost\ncurrent-context: g\n');
    const loaded = await loadKubeconfig({ env: {}, kubeconfig: file });
    assert.equal(loaded.kc.getCurrentCluster()?.caData, 'Q0E=');
    assert.ok(loaded.kc.getCurrentUser(), 'a user object carries the CA into client-node');
    assert.deepEqual(loaded.credentialSummary, { source: 'none', missingUser: 'ghost' });
  });

  it('--kubeconfig /dev/zero fails at once with one line instead of reading forever', async () => {
    await assert.rejects(loadKubeconfig({ env: {}, kubeconfig: '/dev/zero' }), (err: SquirrlyError) => {
      assert.equal(err.message, 'kubeconfig file /dev/zero cannot be used: /dev/zero is not a regular file');
      return true;
    });
  });

  it('a FIFO does not block, and a file larger than the bound is refused', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: [fifo, c].join(path.delimiter) } }), /fifo is not a regular file/);
    const huge = path.join(dir, 'huge.yaml');
    await writeFile(huge, '');
    await truncate(huge, MAX_KUBECONFIG_BYTES + 1);
    await assert.rejects(loadKubeconfig({ env: {}, kubeconfig: huge }), /huge\.yaml is larger than 4 MiB/);
  });

  it('relative paths resolve against the folder of the file that names them', async () => {
    const sub = path.join(dir, 'sub');
    await mkdir(sub, { recursive: true });
    const file = path.join(sub, 'rel.yaml');
    await writeFile(file, 'clusters:\n- name: k\n  cluster:\n    server: https://k.example\n    certificate-authority: ca.pem\nusers:\n- name: u\n  user:\n    tokenFile: token\n    client-certificate: certs/c.pem\n    client-key: /abs/k.pem\ncontexts:\n- name: r\n  context:\n    cluster: k\n    user: u\ncurrent-context: r\n');
    const loaded = await loadKubeconfig({ env: {}, kubeconfig: file });
    assert.equal(loaded.kc.getCurrentCluster()?.caFile, path.join(sub, 'ca.pem'));
    assert.equal(loaded.kc.getCurrentUser()?.certFile, path.join(sub, 'certs', 'c.pem'));
    assert.equal(loaded.kc.getCurrentUser()?.keyFile, '/abs/k.pem');
    assert.deepEqual(loaded.credentialSummary, { source: 'tokenFile', detail: path.join(sub, 'token') });
  });

  it('--server with --token needs no context at all, as with kubectl', async () => {
    const empty = path.join(dir, 'empty-for-server.yaml');
    await writeFile(empty, '');
    const loaded = await loadKubeconfig({ env: {}, kubeconfig: empty, overrides: { server: 'https://flag.example:6443/', token: 't' } });
    assert.equal(loaded.server, 'https://flag.example:6443');
    assert.equal(loaded.credentialSummary.source, 'token');
  });

  it('--user naming an unknown user is an error, as client-go says it', async () => {
    await assert.rejects(loadKubeconfig({ env: { KUBECONFIG: a }, overrides: { user: 'nobody' } }), /auth info "nobody" does not exist/);
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

describe('KUBECONFIG lists: the plugin and real kubectl agree', { skip: kubectlSkipReason() }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-kc-kubectl-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('on empty files, contexts without a cluster elsewhere, broken files and folders', async () => {
    const good = path.join(dir, 'good.yaml');
    await writeFile(good, kubeconfig({ cluster: 'c', server: 'https://good.example:6443', context: 'ctx-good', current: 'ctx-good' }));
    const empty = path.join(dir, 'empty.yaml');
    await writeFile(empty, '');
    const odd = path.join(dir, 'odd.yaml');
    await writeFile(odd, 'contexts:\n- name: no-cluster\n  context:\n    user: u\n');
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, 'clusters: [ {name: x, cluster: ');
    for (const list of [[empty, good], [odd, good], [good, broken], [dir, good]]) {
      const KUBECONFIG = list.join(path.delimiter);
      const theirs = await runKubectl(['config', 'current-context'], { kubeconfig: KUBECONFIG });
      const ours = await loadKubeconfig({ env: { KUBECONFIG } }).then((l) => l.contextName, (err: Error) => err);
      if (theirs.code === 0) assert.equal(ours, theirs.stdout.trim(), KUBECONFIG);
      else {
        assert.ok(ours instanceof Error, `kubectl refused ${KUBECONFIG}: ${theirs.stderr}`);
        const named = list.find((f) => theirs.stderr.includes(`"${f}"`));
        assert.ok(named && ours.message.includes(named), `both name the bad entry: ${theirs.stderr.trim()} / ${ours.message}`);
      }
    }
  });
});
