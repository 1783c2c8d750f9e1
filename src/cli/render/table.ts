// kubectl-style table: upper-case headers, columns separated by three spaces. On a terminal the
// flexible columns are shortened in the middle (keeping both ends of a file name) to fit the width.

export interface Column {
  header: string;
  /** may be shortened to fit the width */
  flexible?: boolean;
  /** colors a padded cell; applied after measuring so escapes do not break alignment */
  style?: (padded: string, row: number) => string;
}

const GAP = '   ';
const MIN_FLEXIBLE = 12;

export function renderTable(columns: Column[], rows: string[][], maxWidth?: number): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  if (maxWidth !== undefined) shrink(columns, widths, maxWidth);
  const line = (cells: string[], styled: boolean, row: number): string =>
    cells
      .map((cell, i) => {
        const width = widths[i]!;
        const text = fit(cell, width);
        const padded = i === cells.length - 1 ? text : text.padEnd(width);
        const style = columns[i]?.style;
        return styled && style ? style(padded, row) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header), false, -1), ...rows.map((r, row) => line(columns.map((_, i) => r[i] ?? ''), true, row))].join('\n') + '\n';
}

function shrink(columns: Column[], widths: number[], maxWidth: number): void {
  let excess = widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1) - maxWidth;
  // Take from the widest flexible column first, never below a readable minimum.
  while (excess > 0) {
    let widest = -1;
    for (const [i, c] of columns.entries()) if (c.flexible && widths[i]! > MIN_FLEXIBLE && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) return;
    const take = Math.min(excess, widths[widest]! - MIN_FLEXIBLE);
    widths[widest]! -= take;
    excess -= take;
  }
}

/** Shortens in the middle: "sample-job-taskmanager-1-1_ITIMER_2024…" keeps its distinctive end. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  const keepEnd = Math.ceil((width - 1) / 2);
  return `${text.slice(0, width - 1 - keepEnd)}…${text.slice(text.length - keepEnd)}`;
}
