// The diagnosis benchmark as a test: on every labelled real Flink profile in test/fixtures/diagnosis
// the planted problem's finding ranks first and names the user function (and operator), and healthy
// controls get no medium or high finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseNames, evaluateCase } from '../../support/diagnosis-cases.ts';

const names = caseNames();

describe('diagnosis fixtures', () => {
  it('has labelled cases', { skip: names.length === 0 ? 'no fixtures in test/fixtures/diagnosis yet' : false }, () => {
    assert.ok(names.length > 0);
  });

  for (const name of names) {
    it(name, async () => {
      const result = await evaluateCase(name);
      const top = result.findings.slice(0, 3).map((finding) => `[${finding.severity}] ${finding.id}: ${finding.title}`).join('\n');
      if (result.label.healthy) {
        assert.deepEqual(result.falseAlarms.map((finding) => `${finding.id}: ${finding.title}`), [], 'no medium/high finding on a healthy control');
        return;
      }
      const expect = result.label.expect!;
      assert.equal(result.rank, 1, `${expect.finding} should rank first; got:\n${top}`);
      assert.equal(result.userFunctionNamed, true, `names ${expect.userFunction}; got ${result.findings[0]?.attribution?.userFunction}`);
      if (expect.operator) assert.equal(result.operatorNamed, true, `names operator ${expect.operator}; got ${result.findings[0]?.attribution?.operator}`);
      if (expect.detail) assert.equal(result.detailNamed, true, `the finding mentions ${expect.detail}`);
    });
  }
});
