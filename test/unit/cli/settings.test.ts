import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SEARCH_DIRS, resolveDeploymentName, resolveDuration, resolveMode, resolveOutputDir, resolveSearchDirs } from '../../../src/cli/settings.ts';

describe('settings: flags over the old Job env vars over defaults', () => {
  it('type', () => {
    assert.equal(resolveMode(undefined, {}), 'ITIMER');
    assert.equal(resolveMode(undefined, { PROFILER_TYPE: 'alloc' }), 'ALLOC');
    assert.equal(resolveMode('wall', { PROFILER_TYPE: 'alloc' }), 'WALL');
    assert.throws(() => resolveMode('memory', {}), /unknown profiling type "memory"/);
    assert.throws(() => resolveMode(undefined, { PROFILER_TYPE: 'x' }), /from PROFILER_TYPE/);
  });
  it('duration', () => {
    assert.equal(resolveDuration(undefined, {}), 60);
    assert.equal(resolveDuration(undefined, { PROFILER_DURATION: '15' }), 15);
    assert.equal(resolveDuration('5', { PROFILER_DURATION: '15' }), 5);
    assert.throws(() => resolveDuration(undefined, { PROFILER_DURATION: 'ten' }), /whole number/);
    assert.throws(() => resolveDuration('0', {}), /at least 1/);
    assert.throws(() => resolveDuration('1.5', {}), /whole number/);
    assert.throws(() => resolveDuration('ten', {}), /got "ten"/);
    // what Number() would accept but nobody types as seconds
    for (const odd of ['0x10', '1e3', ' 5', '5 ', '+5', '5.', '0b1', 'Infinity', '9'.repeat(400)]) assert.throws(() => resolveDuration(odd, {}), /whole number/, odd);
    assert.throws(() => resolveDuration(undefined, { PROFILER_DURATION: '0x10' }), /from PROFILER_DURATION/);
    assert.equal(resolveDuration('010', {}), 10);
  });
  it('search dirs and deployment name', () => {
    assert.deepEqual(resolveSearchDirs(undefined, {}), DEFAULT_SEARCH_DIRS);
    assert.deepEqual(resolveSearchDirs(undefined, { PROFILER_OUTPUT_DIR: '/tmp /data/prof' }), ['/tmp', '/data/prof']);
    assert.throws(() => resolveSearchDirs('relative/dir', {}), /absolute path/);
    assert.throws(() => resolveSearchDirs('/tmp/../etc', {}), /absolute path/);
    // the same policy as the exec argv: normalised, control characters refused
    assert.deepEqual(resolveSearchDirs('/opt//flink/log/,/tmp', {}), ['/opt/flink/log', '/tmp']);
    assert.throws(() => resolveSearchDirs('/tmp/\u0007x', {}), /absolute path/);
    assert.equal(resolveDeploymentName(undefined, { FLINK_DEPLOYMENT_NAME: 'sample-job' }), 'sample-job');
    assert.equal(resolveDeploymentName('other', { FLINK_DEPLOYMENT_NAME: 'sample-job' }), 'other');
    assert.equal(resolveDeploymentName('flinkdep/a.b-c', {}), 'flinkdep/a.b-c');
  });
  it('deployment names are Kubernetes names, checked before any call', () => {
    assert.equal(resolveDeploymentName('a'.repeat(253), {}), 'a'.repeat(253));
    assert.throws(() => resolveDeploymentName('a'.repeat(254), {}), /254 characters, at most 253/);
    const huge = 'a'.repeat(100_000);
    assert.throws(() => resolveDeploymentName(huge, {}), (err: Error) => err.message.length < 200);
    for (const bad of ['Sample', 'a..b', '-a', 'a-', 'a_b', 'a b', '.a', 'a.', 'job\u001b]0;owned\u0007', 'job\u202e']) {
      assert.throws(() => resolveDeploymentName(bad, {}), /is not a valid FlinkDeployment name/, bad);
    }
    assert.throws(() => resolveDeploymentName(undefined, { FLINK_DEPLOYMENT_NAME: 'Bad_Name' }), /not a valid FlinkDeployment name/);
    assert.throws(() => resolveDeploymentName('job\u001b[2J', {}), (err: Error) => !err.message.includes('\u001b') && err.message.includes('\\x1b'));
  });
  it('an empty output dir is refused rather than meaning the current folder', () => {
    assert.equal(resolveOutputDir(undefined, './squirrly-artifacts'), './squirrly-artifacts');
    assert.equal(resolveOutputDir('out', './squirrly-artifacts'), 'out');
    for (const empty of ['', ' ', '\t']) assert.throws(() => resolveOutputDir(empty, 'x'), /--output-dir is empty/);
  });
});
