// A krew-style install of the host's release archive, then the real kubectl finds and runs the
// plugin: extract, apply `files`, symlink `bin` into a bin folder on PATH, no node anywhere on PATH.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import { applyFileOperations, LICENSE_NAMES } from '../../scripts/release/krew-files.ts';
import type { Manifest, Platform } from '../../scripts/release/krew-validate.ts';
import { hostPlatform } from '../../scripts/release/runtimes.ts';
import { readTarGz } from '../../scripts/release/tar.ts';
import { releaseFixture, type ReleaseFixture } from './release-fixture.ts';

// The kubectl on the caller's PATH (the real one, not a stand-in); the test PATH gets only a link to it.
const KUBECTL = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'kubectl')).find((f) => existsSync(f)) ?? '';
// Output that must never reach users: SEA experimental notice, failed optional requires.
const UNWANTED_STDERR = /ExperimentalWarning|single-executable|only supports loading built-in modules|\(node:\d+\) Warning/;

let fx: ReleaseFixture;
let skip: string | undefined;
let tmp: string;
let binDir: string; // what krew puts on PATH (~/.krew/bin)
let installDir: string; // krew's store/<plugin>/<version>
let env: NodeJS.ProcessEnv; // PATH: bin folder + a folder with only kubectl: no node
let emptyCwd: string;

function run(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { cwd: emptyCwd, env, encoding: 'utf8', timeout: 60_000 });
}

before(async () => {
  if (process.platform !== 'linux' || hostPlatform().id !== 'linux-x64') { skip = 'the install test covers the linux-amd64 archive'; return; }
  const r = await releaseFixture();
  if (typeof r === 'string') { skip = r; return; }
  fx = r;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'squirrly-krew-'));
  const extract = path.join(tmp, 'download');
  installDir = path.join(tmp, 'krew', 'store', 'squirrly', `v${fx.version}`);
  binDir = path.join(tmp, 'krew', 'bin');
  emptyCwd = path.join(tmp, 'empty');
  for (const d of [extract, installDir, binDir, emptyCwd]) mkdirSync(d, { recursive: true });

  // krew: download + extract the archive, then move `files` into the store.
  const entries = readTarGz(readFileSync(fx.archive));
  for (const e of entries) {
    mkdirSync(path.dirname(path.join(extract, e.name)), { recursive: true });
    writeFileSync(path.join(extract, e.name), e.data, { mode: e.mode });
  }
  const manifest = loadYaml(readFileSync(fx.manifest, 'utf8')) as Manifest;
  const platform = manifest.spec!.platforms!.find((p) => p.selector?.matchLabels?.os === 'linux' && p.selector.matchLabels.arch === 'amd64') as Platform;
  for (const [from, to] of applyFileOperations(entries.map((e) => e.name), platform.files)) {
    mkdirSync(path.dirname(path.join(installDir, to)), { recursive: true });
    renameSync(path.join(extract, from), path.join(installDir, to));
  }
  // krew links bin as kubectl-<name>; the completion helper is linked by hand (see the caveats).
  symlinkSync(path.join(installDir, platform.bin!), path.join(binDir, 'kubectl-squirrly'));
  symlinkSync(path.join(installDir, 'kubectl_complete-squirrly'), path.join(binDir, 'kubectl_complete-squirrly'));

  const kubectlDir = path.join(tmp, 'kubectl-only');
  mkdirSync(kubectlDir);
  if (KUBECTL) symlinkSync(realpathSync(KUBECTL), path.join(kubectlDir, 'kubectl'));
  env = { PATH: `${binDir}${path.delimiter}${kubectlDir}`, HOME: tmp, KUBECONFIG: path.join(tmp, 'no-kubeconfig') };
});

after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('krew-style install of the linux-amd64 archive', () => {
  it('installs bin as an executable and extracts a LICENSE', (t) => {
    if (skip) return t.skip(skip);
    accessSync(path.join(installDir, 'kubectl-squirrly'), constants.X_OK);
    assert.ok(readdirSync(installDir).some((f) => LICENSE_NAMES.includes(f.toLowerCase())), 'no license file krew accepts');
    assert.equal(readFileSync(path.join(installDir, 'LICENSE'), 'utf8'), readFileSync(path.join(import.meta.dirname, '..', '..', 'LICENSE'), 'utf8'));
  });

  it('carries every prompts/*.md inside the executable (SEA assets, no files next to it)', (t) => {
    if (skip) return t.skip(skip);
    const exe = readFileSync(path.join(installDir, 'kubectl-squirrly'));
    const promptsDir = path.join(import.meta.dirname, '..', '..', 'prompts');
    const prompts = readdirSync(promptsDir).filter((f) => f.endsWith('.md'));
    assert.ok(prompts.length > 0, 'no prompts to check');
    for (const f of prompts) assert.ok(exe.includes(readFileSync(path.join(promptsDir, f))), `prompts/${f} is not embedded`);
  });

  it('runs without node on PATH, from an empty folder', (t) => {
    if (skip) return t.skip(skip);
    for (const dir of env.PATH!.split(path.delimiter)) assert.equal(existsSync(path.join(dir, 'node')), false, `node found in ${dir}`);
    const r = run('kubectl-squirrly', ['version']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(fx.version.replace(/\./g, '\\.')));
    assert.doesNotMatch(r.stderr, UNWANTED_STDERR);
    const help = run('kubectl-squirrly', ['--help']);
    assert.match(help.stdout + help.stderr, /squirrly/);
    assert.doesNotMatch(help.stderr, UNWANTED_STDERR);
  });

  it('loads the split-off cluster code without warnings (doctor against an unreachable cluster)', (t) => {
    if (skip) return t.skip(skip);
    const kc = path.join(tmp, 'kubeconfig.yaml');
    writeFileSync(kc, [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]', 'contexts: [{name: c, context: {cluster: c, user: u, namespace: ns}}]', '',
    ].join('\n'));
    const r = run('kubectl-squirrly', ['doctor', 'demo', '--kubeconfig', kc]);
    assert.notEqual(r.status, null, 'doctor did not finish');
    assert.doesNotMatch(r.stderr, UNWANTED_STDERR);
    assert.doesNotMatch(r.stderr, /Cannot find module|ERR_VM_DYNAMIC_IMPORT/);
  });

  describe('through the real kubectl', () => {
    before(() => { if (!KUBECTL) skip ??= 'kubectl is not on PATH'; });

    it('kubectl plugin list shows the plugin', (t) => {
      if (skip) return t.skip(skip);
      const r = run('kubectl', ['plugin', 'list']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.includes(path.join(binDir, 'kubectl-squirrly')), r.stdout);
    });

    it('kubectl squirrly version prints the version', (t) => {
      if (skip) return t.skip(skip);
      const r = run('kubectl', ['squirrly', 'version']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(fx.version.replace(/\./g, '\\.')));
      assert.doesNotMatch(r.stderr, UNWANTED_STDERR);
    });

    it('kubectl completes `kubectl squirrly <TAB>` through kubectl_complete-squirrly and the plugin', (t) => {
      if (skip) return t.skip(skip);
      const viaKubectl = run('kubectl', ['__complete', 'squirrly', '']);
      assert.equal(viaKubectl.status, 0, viaKubectl.stderr);
      assert.ok(viaKubectl.stderr.includes(`About to call: ${path.join(binDir, 'kubectl_complete-squirrly')}`), viaKubectl.stderr);
      // The helper hands over to the plugin's __complete: kubectl relays exactly the plugin's answer.
      const direct = run('kubectl-squirrly', ['__complete', '']);
      const candidates = (s: string) => s.split('\n').filter((l) => l !== '' && !l.startsWith(':'));
      assert.deepEqual(candidates(viaKubectl.stdout), candidates(direct.stdout));
    });
  });
});
