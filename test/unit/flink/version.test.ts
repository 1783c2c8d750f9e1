import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlinkVersion, supportsProfiler } from '../../../src/flink/version.ts';

describe('flink version', () => {
  it('gates the profiler on Flink 1.19+', () => {
    const v = (t: string) => supportsProfiler(parseFlinkVersion(t)!);
    assert.equal(v('1.18.1'), false);
    assert.equal(v('1.19.0'), true);
    assert.equal(v('v1_20'), true);
    assert.equal(v('2.0.0'), true);
    assert.equal(parseFlinkVersion('banana'), undefined);
  });
  it('reads release, snapshot and operator enum forms', () => {
    assert.deepEqual(parseFlinkVersion('1.20.1'), { major: 1, minor: 20, patch: 1, text: '1.20.1' });
    assert.deepEqual(parseFlinkVersion('1.19-SNAPSHOT'), { major: 1, minor: 19, patch: 0, text: '1.19-SNAPSHOT' });
    assert.deepEqual(parseFlinkVersion('v1_18'), { major: 1, minor: 18, patch: 0, text: 'v1_18' });
    assert.equal(parseFlinkVersion(undefined), undefined);
  });
});
