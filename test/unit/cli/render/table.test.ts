import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable } from '../../../../src/cli/render/table.ts';

const columns = [{ header: 'TARGET', flexible: true }, { header: 'STATUS' }, { header: 'FILE', flexible: true }];
const rows = [
  ['sample-job-taskmanager-1-12', 'FINISHED', 'sample-job-taskmanager-1-12_ITIMER_2024-03-05_14_03_27.html'],
  ['JobManager', 'on disk only', 'JobManager_WALL_2024-03-05_14_03_27.html'],
];

describe('the artifacts table', () => {
  it('aligns columns three spaces apart and keeps full text without a width', () => {
    const text = renderTable(columns, rows);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], `TARGET${' '.repeat(24)}STATUS${' '.repeat(9)}FILE`);
    assert.ok(lines[1]!.endsWith('sample-job-taskmanager-1-12_ITIMER_2024-03-05_14_03_27.html'));
    assert.equal(lines[2]!.indexOf('on disk only'), lines[0]!.indexOf('STATUS'));
  });

  it('fits a terminal by shortening flexible columns in the middle, keeping both ends', () => {
    const lines = renderTable(columns, rows, 80).trimEnd().split('\n');
    assert.ok(lines.every((l) => l.length <= 80), lines.join('\n'));
    assert.match(lines[1]!, / sample-job-\S*…\S*_14_03_27\.html$/);
    assert.match(lines[1]!, /^sample-job-taskmanager-1-12 +FINISHED/, 'the shorter flexible column is left whole while the widest shrinks');
  });

  it('never shrinks a flexible column below a readable minimum', () => {
    const lines = renderTable(columns, rows, 20).trimEnd().split('\n');
    assert.ok(lines.every((l) => l.includes('FINISHED') || l.includes('on disk only') || l.startsWith('TARGET')));
    assert.ok(lines[1]!.length > 20);
  });
});
