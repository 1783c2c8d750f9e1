// `npm run bench:diagnosis`: runs the builtin analysis on every labelled case in
// test/fixtures/diagnosis and prints, per case, the rank of the planted problem's finding, whether
// the finding names the user function (and operator, and the label's detail), and the medium/high
// findings on healthy controls. Exits non-zero only when the bench itself breaks.
import { caseNames, evaluateCase, type CaseResult } from '../support/diagnosis-cases.ts';

const yesNo = (value: boolean | undefined): string => (value === undefined ? '-' : value ? 'yes' : 'NO');

function row(result: CaseResult): string[] {
  const { label } = result;
  const top = result.findings[0];
  return [
    label.case,
    label.mode,
    label.healthy ? '(healthy)' : (label.expect?.finding ?? '?'),
    label.healthy ? '-' : result.rank === undefined ? 'MISSING' : String(result.rank),
    label.healthy ? '-' : yesNo(result.userFunctionNamed),
    label.healthy ? '-' : yesNo(result.operatorNamed),
    label.healthy ? '-' : yesNo(result.detailNamed),
    label.healthy ? String(result.falseAlarms.length) : '-',
    `${result.withUserFunction}/${result.problems}`,
    top ? `${top.severity} ${top.id}` : '',
  ];
}

const header = ['case', 'mode', 'expected', 'rank', 'user fn', 'operator', 'detail', 'false alarms', 'named/problems', 'first finding'];
const names = caseNames();
if (names.length === 0) {
  process.stdout.write('no cases in test/fixtures/diagnosis\n');
  process.exit(0);
}
const results: CaseResult[] = [];
for (const name of names) results.push(await evaluateCase(name));
const rows = [header, ...results.map(row)];
const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
process.stdout.write(`${line(rows[0]!)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n${rows.slice(1).map(line).join('\n')}\n\n`);

const planted = results.filter((result) => !result.label.healthy);
const controls = results.filter((result) => result.label.healthy);
const first = planted.filter((result) => result.rank === 1).length;
const named = planted.filter((result) => result.userFunctionNamed === true).length;
const alarms = controls.reduce((sum, result) => sum + result.falseAlarms.length, 0);
process.stdout.write(
  `planted problem ranked first: ${first}/${planted.length}; user function named: ${named}/${planted.length}; ` +
    `medium/high findings on ${controls.length} healthy controls: ${alarms}\n`,
);
for (const result of controls) {
  for (const alarm of result.falseAlarms) process.stdout.write(`  false alarm on ${result.label.case}: [${alarm.severity}] ${alarm.title}\n`);
}
for (const result of planted) {
  if (result.rank === 1) continue;
  process.stdout.write(`  ${result.label.case}: ${result.findings.slice(0, 3).map((finding) => `[${finding.severity}] ${finding.id}: ${finding.title}`).join(' | ')}\n`);
}
