// The generated krew manifest passes krew's rules (structure + validate-krew-manifest), and every
// rule is shown to reject a manifest that breaks it, so a passing check means something.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import { sha256 } from '../../scripts/release/fetch-runtime.ts';
import { applyFileOperations } from '../../scripts/release/krew-files.ts';
import { archiveEntries } from '../../scripts/release/krew-manifest.ts';
import { selectorMatches, validateRelease, validateStructure, type Manifest, type Platform } from '../../scripts/release/krew-validate.ts';
import { releaseFixture, type ReleaseFixture } from './release-fixture.ts';

let fx: ReleaseFixture;
let skip: string | undefined;
let manifest: Manifest;

before(async () => {
  const r = await releaseFixture();
  if (typeof r === 'string') { skip = r; return; }
  fx = r;
  manifest = loadYaml(readFileSync(fx.manifest, 'utf8')) as Manifest;
});

const entriesByFile = new Map<string, string[]>(); // reading a 40 MB archive once is enough
function entriesOf(file: string): string[] {
  let e = entriesByFile.get(file);
  if (!e) entriesByFile.set(file, (e = archiveEntries(file)));
  return e;
}
const archivesOf = (m: Manifest) => (i: number) => entriesOf(path.join(fx.dir, path.basename(m.spec?.platforms?.[i]?.uri ?? '')));
const copy = (): Manifest => structuredClone(manifest);
const plat = (m: Manifest, i = 0): Platform => m.spec!.platforms![i]!;

/** Applies a mutation and returns the problems krew's rules report for the result. */
function problemsAfter(mutate: (m: Manifest) => void, file = fx.manifest): string[] {
  const m = copy();
  mutate(m);
  return validateRelease(m, file, archivesOf(m));
}

describe('generated krew manifest', () => {
  it('passes the structural and validate-krew-manifest rules', (t) => {
    if (skip) return t.skip(skip);
    assert.deepEqual(validateRelease(manifest, fx.manifest, archivesOf(manifest)), []);
  });

  it('carries the package version, the archive sha256 and a URI ending in the archive name', (t) => {
    if (skip) return t.skip(skip);
    assert.equal(manifest.spec?.version, `v${fx.version}`);
    const p = plat(manifest);
    assert.equal(p.sha256, sha256(readFileSync(fx.archive)));
    assert.equal(path.basename(p.uri ?? ''), path.basename(fx.archive));
    assert.match(p.uri ?? '', new RegExp(`/releases/download/v${fx.version.replace(/\./g, '\\.')}/`));
  });

  it('tells users to enable the profiler on the FlinkDeployment', (t) => {
    if (skip) return t.skip(skip);
    const spec = manifest.spec as { caveats?: string; description?: string };
    assert.match(spec.caveats ?? '', /rest\.profiling\.enabled: "true"/);
    assert.ok((spec.description ?? '').length > 0);
  });
});

describe('each krew rule rejects a manifest that breaks it', () => {
  const cases: [string, (m: Manifest) => void, RegExp, string?][] = [
    ['apiVersion', (m) => { m.apiVersion = 'krew.googlecontainertools.github.com/v1alpha1'; }, /apiVersion/],
    ['kind', (m) => { m.kind = 'Plugins'; }, /kind/],
    ['name characters', (m) => { m.metadata!.name = 'squirrly!'; }, /plugin name "squirrly!" is not valid/],
    ['Windows reserved name', (m) => { m.metadata!.name = 'CON'; }, /plugin name "CON" is not valid/],
    ['name matches the file name', (m) => { m.metadata!.name = 'squirrel'; }, /does not match file name/],
    ['shortDescription single line', (m) => { m.spec!.shortDescription = 'two\nlines'; }, /shortDescription/],
    ['shortDescription required', (m) => { delete m.spec!.shortDescription; }, /shortDescription/],
    ['version starts with v', (m) => { m.spec!.version = '0.1.0'; }, /version "0.1.0"/],
    ['version is semver', (m) => { m.spec!.version = 'v0.1'; }, /version "v0.1"/],
    ['at least one platform', (m) => { m.spec!.platforms = []; }, /at least one platform/],
    ['uri required', (m) => { delete plat(m).uri; }, /uri has to be set/],
    ['sha256 lowercase', (m) => { plat(m).sha256 = plat(m).sha256!.toUpperCase(); }, /sha256/],
    ['sha256 length', (m) => { plat(m).sha256 = 'abc123'; }, /sha256/],
    ['bin required', (m) => { delete plat(m).bin; }, /bin has to be set/],
    ['files non-empty when set', (m) => { plat(m).files = []; }, /files is set but empty/],
    ['files need from and to', (m) => { plat(m).files = [{ from: 'kubectl-squirrly' } as { from: string; to: string }]; }, /needs from and to/],
    ['selector required', (m) => { delete plat(m).selector; }, /selector has to be set/],
    ['matchLabels non-empty', (m) => { plat(m).selector = { matchLabels: {} }; }, /matchLabels is empty/],
    ['selector keys only os and arch', (m) => { plat(m).selector!.matchLabels!.distro = 'debian'; }, /selector key "distro"/],
    ['known platforms only', (m) => { plat(m).selector = { matchLabels: { os: 'plan9', arch: 'amd64' } }; }, /matches no supported os\/arch/],
    ['no two platforms for one os/arch', (m) => { m.spec!.platforms!.push(structuredClone(plat(m))); }, /matched by more than one platform/],
    ['overlap through matchExpressions', (m) => {
      const p = structuredClone(plat(m));
      p.selector = { matchExpressions: [{ key: 'os', operator: 'In', values: [plat(m).selector!.matchLabels!.os!] }] };
      m.spec!.platforms!.push(p);
    }, /matched by more than one platform/],
    ['a LICENSE is extracted', (m) => { plat(m).files = plat(m).files!.filter((f) => f.from !== 'LICENSE'); }, /no LICENSE file is extracted/],
    ['bin is installed by files', (m) => { plat(m).bin = 'kubectl-other'; }, /bin kubectl-other is not installed/],
  ];
  for (const [rule, mutate, expected] of cases) {
    it(rule, (t) => {
      if (skip) return t.skip(skip);
      const problems = problemsAfter(mutate);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${expected} in ${JSON.stringify(problems)}`);
    });
  }

  it('manifest file extension must be .yaml', (t) => {
    if (skip) return t.skip(skip);
    assert.ok(problemsAfter(() => {}, fx.manifest.replace(/\.yaml$/, '.yml')).some((p) => /extension must be \.yaml/.test(p)));
  });
});

describe('krew rule helpers', () => {
  it('matches selectors with label-selector semantics', () => {
    const linuxAmd64 = { os: 'linux', arch: 'amd64' };
    assert.equal(selectorMatches({ matchLabels: { os: 'linux', arch: 'amd64' } }, linuxAmd64), true);
    assert.equal(selectorMatches({ matchLabels: { os: 'linux', arch: 'arm64' } }, linuxAmd64), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'arch', operator: 'NotIn', values: ['arm64'] }] }, linuxAmd64), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'os', operator: 'DoesNotExist' }] }, linuxAmd64), false);
    assert.equal(selectorMatches(null, linuxAmd64), false);
  });

  it('applies files like krew: glob from, default "*" to "."', () => {
    const archive = ['kubectl-squirrly', 'LICENSE', 'docs/a.md', 'docs/b.md'];
    assert.deepEqual([...applyFileOperations(archive, undefined).values()], ['kubectl-squirrly', 'LICENSE', 'docs/a.md', 'docs/b.md']);
    assert.deepEqual([...applyFileOperations(archive, [{ from: 'kubectl-*', to: 'bin' }]).values()], ['bin/kubectl-squirrly']);
    assert.deepEqual([...applyFileOperations(archive, [{ from: 'docs/*.md', to: '.' }]).values()], ['a.md', 'b.md']);
  });

  it('a structurally valid minimal manifest passes (the rules are not vacuous in the other direction)', () => {
    const m: Manifest = {
      apiVersion: 'krew.googlecontainertools.github.com/v1alpha2', kind: 'Plugin', metadata: { name: 'squirrly' },
      spec: { version: 'v1.2.3-rc.1', shortDescription: 'x', platforms: [{ selector: { matchLabels: { os: 'darwin' } }, uri: 'u', sha256: 'a'.repeat(64), bin: 'b' }] },
    };
    assert.deepEqual(validateStructure(m, 'squirrly'), []);
  });
});
