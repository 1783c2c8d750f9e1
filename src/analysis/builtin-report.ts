// Markdown of the builtin analysis, produced in a few chunks (findings, categories, top frames)
// so it streams like the other providers' answers.
import type { Category, ProfileSummary } from '../flamegraph/types.ts';
import { shortFrame } from '../flamegraph/frame-kinds.ts';
import { formatPercent } from './findings-rules.ts';
import type { Finding } from './provider.ts';

/** Columns beyond this many targets make the tables unreadable in a terminal. */
const MAX_TABLE_TARGETS = 6;
const TOP_FRAMES_IN_TABLE = 5;

export function* renderBuiltinReport(findings: Finding[], summaries: ProfileSummary[]): Generator<string> {
  const problems = findings.filter((finding) => finding.severity !== 'info').length;
  yield `## Findings\n\n${problems === 0 ? 'No rule found a known problem.' : `${problems} rule(s) found something to look at.`}\n\n`;
  for (const finding of findings) yield renderFinding(finding);
  const shown = summaries.slice(0, MAX_TABLE_TARGETS);
  if (shown.length === 0) return;
  yield renderCategories(shown);
  yield renderTopFrames(shown);
  if (summaries.length > shown.length) yield `_${summaries.length - shown.length} more target(s) not shown in the tables._\n`;
}

function renderFinding(finding: Finding): string {
  const evidence = finding.evidence.map((line) => `- ${line}\n`).join('');
  return `### [${finding.severity.toUpperCase()}] ${finding.title}\n\n${renderWhere(finding)}${evidence}\n**What to do:** ${finding.advice}\n\n`;
}

/** One line naming the code: user function, operator (and vertex), hot frame. */
function renderWhere(finding: Finding): string {
  const a = finding.attribution;
  if (a === undefined) return '';
  const parts = [
    a.userFunction ? shortFrame(a.userFunction) : undefined,
    a.operator ? `operator ${a.operator}${a.vertex && a.vertex !== a.operator ? ` in ${a.vertex}` : ''}` : undefined,
    a.userFrame ? `via ${shortFrame(a.userFrame)}` : undefined,
    `hot frame ${a.hotFrame}`,
  ].filter((part): part is string => part !== undefined);
  return `**Where:** ${parts.join(' · ')}\n\n`;
}

function renderCategories(summaries: ProfileSummary[]): string {
  const categories = Object.keys(summaries[0]!.categories) as Category[];
  const used = categories.filter((category) => summaries.some((summary) => summary.categories[category] > 0));
  const header = `| category | ${summaries.map((summary) => escapeCell(summary.target)).join(' | ')} |\n`;
  const rule = `|---|${summaries.map(() => '---:').join('|')}|\n`;
  const rows = used.map((category) => `| ${category} | ${summaries.map((summary) => formatPercent(summary.categories[category])).join(' | ')} |\n`);
  return `## Where the samples go (by self samples)\n\n${header}${rule}${rows.join('')}\n`;
}

function renderTopFrames(summaries: ProfileSummary[]): string {
  const sections = summaries.map((summary) => {
    const rows = summary.topSelf
      .slice(0, TOP_FRAMES_IN_TABLE)
      .map((frame) => `| ${formatPercent(frame.percent)} | ${escapeCell(frame.name)} | ${frame.category} |\n`)
      .join('');
    return `**${escapeCell(summary.target)}** (${summary.mode}, ${summary.totalSamples} samples)\n\n| self | frame | category |\n|---:|---|---|\n${rows}\n`;
  });
  return `## Top frames by self samples\n\n${sections.join('')}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
