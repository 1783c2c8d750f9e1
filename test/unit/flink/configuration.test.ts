import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configValue, parseFlinkDurationSeconds } from '../../../src/flink/configuration.ts';

describe('flink configuration', () => {
  it('reads flat and nested keys', () => {
    assert.equal(configValue({ 'rest.port': 9000 }, 'rest.port'), '9000');
    assert.equal(configValue({ rest: { port: 9001 } }, 'rest.port'), '9001');
    assert.equal(configValue({ rest: { 'profiling.enabled': true } }, 'rest.profiling.enabled'), 'true');
    assert.equal(configValue({ rest: 'x' }, 'rest.port'), undefined);
    assert.equal(configValue(undefined, 'rest.port'), undefined);
  });
  it("parses Flink's Duration syntax to seconds", () => {
    assert.equal(parseFlinkDurationSeconds('300 s'), 300);
    assert.equal(parseFlinkDurationSeconds('5 min'), 300);
    assert.equal(parseFlinkDurationSeconds('2m'), 120);
    assert.equal(parseFlinkDurationSeconds('120000'), 120);
    assert.equal(parseFlinkDurationSeconds('1 h'), 3600);
    assert.equal(parseFlinkDurationSeconds('soon'), undefined);
    assert.equal(parseFlinkDurationSeconds('5 fortnights'), undefined);
  });
});
