import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SEARCH_DIRS, resolveDeploymentName, resolveDuration, resolveMode, resolveSearchDirs } from '../../../src/cli/settings.ts';

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
  });
});
