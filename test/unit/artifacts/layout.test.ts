import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { artifactDir, checkArtifactFileName, MAX_ARTIFACT_NAME_BYTES, combinedAnalysisPath, isJobMetricsFileName, jobMetricsFileName, pathInside, sideFiles } from '../../../src/artifacts/layout.ts';

describe('artifact file names from the cluster', () => {
  it("accepts Flink's names, including standalone ids with ':'", () => {
    for (const name of ['JobManager_ITIMER_2024-03-05_14_03_27.html', 'sample-job-taskmanager-1-1_ALLOC_2024-03-05_14_03_27.html', '10.244.0.12:6122-a1b2c3_WALL_2024-03-05_14_03_27.html']) {
      assert.equal(checkArtifactFileName(name), name);
    }
  });
  it('refuses traversal, separators, control characters, dot files and overlong names', () => {
    for (const name of ['../../x', '..', '.', 'a/b.html', 'a\\b.html', 'x\u0000.html', 'x\n.html', 'x\u001b[31m.html', '.hidden', 'a'.repeat(256), '', 42, null]) {
      assert.throws(() => checkArtifactFileName(name), /refusing the file name/);
    }
  });
  it('refuses C1 controls, DEL, bidi controls and line separators, naming the character', () => {
    const cases: Array<[string, RegExp]> = [
      ['tm\u009b2J_CPU.html', /a C1 control character \(\\u009b\)/],
      ['tm\u007f_CPU.html', /DEL \(\\u007f\)/],
      ['lmth.\u202eexe_CPU.html', /a bidi control \(\\u202e\)/],
      ['tm\u2066x\u2069_CPU.html', /a bidi control \(\\u2066\)/],
      ['tm\u200f_CPU.html', /a bidi control/],
      ['tm\u061c_CPU.html', /a bidi control/],
      ['tm\u2028_CPU.html', /a line separator/],
      ['tm\ud800_CPU.html', /a lone surrogate/],
      ['tm\r_CPU.html', /a control character \(\\r\)/],
    ];
    for (const [name, why] of cases) {
      assert.throws(() => checkArtifactFileName(name), (err: Error) => {
        assert.match(err.message, why);
        assert.doesNotMatch(err.message, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'the message shows the name escaped');
        return true;
      });
    }
  });
  it('refuses names that leave no room for the temp and side-file names, counting UTF-8 bytes', () => {
    const fits = `${'a'.repeat(MAX_ARTIFACT_NAME_BYTES - 5)}.html`;
    assert.equal(checkArtifactFileName(fits), fits);
    for (const name of [`${'a'.repeat(MAX_ARTIFACT_NAME_BYTES - 4)}.html`, `${'é'.repeat(120)}.html`, `${'a'.repeat(250)}.html`]) {
      assert.throws(() => checkArtifactFileName(name), new RegExp(`bytes long; at most ${MAX_ARTIFACT_NAME_BYTES} leave room`));
    }
    assert.ok(MAX_ARTIFACT_NAME_BYTES + '.summary.json'.length + '-999'.length + '..12345678.partial'.length <= 255);
  });
  it('pathInside keeps every result directly inside the folder', () => {
    assert.equal(pathInside('/out/ns/dep', 'a.html'), path.resolve('/out/ns/dep/a.html'));
    assert.throws(() => pathInside('/out/ns/dep', '../a.html'));
  });
  it('lays files out as <dir>/<namespace>/<deployment> and refuses odd names', () => {
    assert.equal(artifactDir('out', 'squirrly', 'sample-job'), path.join('out', 'squirrly', 'sample-job'));
    assert.throws(() => artifactDir('out', '../etc', 'x'), /invalid namespace/);
  });
});

describe('job-metrics snapshot names', () => {
  it('stamps the run like Flink stamps its flame graphs, and the name passes the artifact check', () => {
    const name = jobMetricsFileName('ITIMER', new Date(2026, 0, 2, 3, 4, 5));
    assert.equal(name, 'job_ITIMER_2026-01-02_03_04_05.job.json');
    assert.equal(checkArtifactFileName(name), name);
    assert.ok(isJobMetricsFileName(name));
  });
  it('recognises a bare job.json and nothing else', () => {
    assert.ok(isJobMetricsFileName(path.join('fixtures', 'case', 'job.json')));
    assert.ok(!isJobMetricsFileName('tm-1_ITIMER_2026-01-02_03_04_05.summary.json'));
    assert.ok(!isJobMetricsFileName('label.json'));
  });
});

describe('files written beside a flame graph', () => {
  it('names the summary, folded stacks and analysis after the flame graph, in its folder', () => {
    assert.deepEqual(sideFiles(path.join('out', 'tm-1_ITIMER_2024-03-05_14_03_27.html')), {
      summary: path.join('out', 'tm-1_ITIMER_2024-03-05_14_03_27.summary.json'),
      collapsed: path.join('out', 'tm-1_ITIMER_2024-03-05_14_03_27.collapsed'),
      analysis: path.join('out', 'tm-1_ITIMER_2024-03-05_14_03_27.analysis.md'),
    });
    assert.equal(sideFiles('a.HTM').summary, 'a.summary.json');
    assert.equal(sideFiles(path.join('in', 'a.html'), 'elsewhere').collapsed, path.join('elsewhere', 'a.collapsed'));
  });
  it('stamps a combined analysis like Flink stamps its files', () => {
    const now = new Date(2024, 2, 5, 4, 3, 7);
    assert.equal(combinedAnalysisPath('out', now), path.join('out', 'combined-2024-03-05_04_03_07.analysis.md'));
  });
});
