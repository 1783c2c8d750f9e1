// The text view of a diff: what the change did first (the builtin notes), then the functions
// that moved most, what appeared and what is gone, and the category shares side by side.
import type { ChalkInstance } from 'chalk';
import type { FunctionChange, ProfileDiff, ShareChange } from '../../analysis/diff.ts';
import { relativePath } from './format.ts';
import { renderTable } from './table.ts';

/** rows per ranking in text; -o json has DIFF_TOP */
const TEXT_ROWS = 8;

export function diffText(diff: ProfileDiff, notes: string[], html: string | undefined, chalk: ChalkInstance, width: number | undefined): string {
  const side = (s: ProfileDiff['base']): string => `${s.targets} target${s.targets === 1 ? '' : 's'}${s.seconds !== null ? `, ${Math.round(s.seconds)} s` : ''}`;
  const out: string[] = [];
  out.push(chalk.bold(`${diff.mode} diff`) + `  BASE ${side(diff.base)} → NEW ${side(diff.new)}  ${chalk.dim(`(${diff.unit})`)}`);
  if (diff.unit === 'samples per target') out.push(chalk.dim('  run lengths unknown (no job metrics beside the files): compared per target, not per second'));
  out.push('', chalk.bold('What changed'));
  for (const note of notes) out.push(`  • ${note}`);
  const ranking = (title: string, list: FunctionChange[]): void => {
    if (list.length === 0) return;
    out.push('', chalk.bold(title));
    const rows = list.slice(0, TEXT_ROWS).map((c) => [c.name, num(c.base), num(c.new), `${c.delta > 0 ? '+' : ''}${num(c.delta)}`, c.relative === null ? 'new' : `${c.relative > 0 ? '+' : ''}${(c.relative * 100).toFixed(0)}%`]);
    out.push(indent(renderTable([{ header: 'FUNCTION', flexible: true }, { header: 'BASE' }, { header: 'NEW' }, { header: 'CHANGE' }, { header: '' }], rows, width === undefined ? undefined : width - 2)));
  };
  ranking('Self time grew most', diff.self.grew);
  ranking('Self time shrank most', diff.self.shrank);
  ranking('Total (with callees) grew most', diff.total.grew);
  ranking('Total (with callees) shrank most', diff.total.shrank);
  ranking('New in NEW', diff.appeared);
  ranking('Gone from BASE', diff.vanished);
  const shares = (title: string, list: Array<ShareChange<string>>): void => {
    if (list.length === 0) return;
    out.push('', chalk.bold(title));
    out.push(indent(renderTable([{ header: '' }, { header: 'BASE %' }, { header: 'NEW %' }], list.map((c) => [c.key, c.basePercent.toFixed(1), c.newPercent.toFixed(1)]))));
  };
  shares('Categories', diff.categories);
  shares('Known patterns', diff.signals);
  if (html) out.push('', `Differential flame graph (red: grew, blue: shrank, width: NEW): ${relativePath(html)}`);
  return `${out.join('\n')}\n`;
}

function num(n: number): string {
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(0) : a >= 1 ? n.toFixed(1) : a === 0 ? '0' : n.toPrecision(2);
}

function indent(text: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n');
}
