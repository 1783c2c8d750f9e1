// The builtin reading of a diff: what the change did, in the words a Flink engineer would use.
// Works on the diff alone (no model), so it runs offline and is what the model is given too.
import type { SignalId } from '../flamegraph/types.ts';
import type { ProfileDiff } from './diff.ts';

/** What each signal's share measures, and what its fall usually means was done. */
const SIGNAL_WORDS: Partial<Record<SignalId, { what: string; fixed: string }>> = {
  kryo: { what: 'Kryo share', fixed: 'the types are now serialised without the Kryo fallback' },
  regex: { what: 'regular-expression share', fixed: 'the patterns are no longer matched (or compiled) per record' },
  'regex-compile': { what: 'Pattern.compile share', fixed: 'patterns are compiled once, not per record' },
  logging: { what: 'logging share', fixed: 'less is logged on the per-record path' },
  json: { what: 'JSON share', fixed: 'less JSON is parsed or written per record' },
  exceptions: { what: 'exception share', fixed: 'exceptions are no longer used as control flow' },
  rocksdb: { what: 'RocksDB share', fixed: 'state access got cheaper' },
  'record-copy': { what: 'record-copy share', fixed: 'records are no longer deep-copied between chained operators' },
  gc: { what: 'GC share', fixed: 'the JVM collects less' },
  blocking: { what: 'blocking-call share', fixed: 'task threads wait less on blocking calls' },
  backpressure: { what: 'back-pressure share', fixed: 'output buffers are waited on less' },
};

/** a signal share counts as changed past this many percentage points, and by this factor */
const SIGNAL_POINTS = 2;
const SIGNAL_FACTOR = 1.5;

export function diffNotes(diff: ProfileDiff): string[] {
  const notes: string[] = [];
  if (diff.runChanges.length > 0) notes.push(`Between the runs: ${diff.runChanges.map((c) => `${c.what} ${c.from} → ${c.to}`).join('; ')}.`);

  const unitWord = diff.unit === 'samples/s per target' ? 'samples per second per target' : 'samples per target';
  const before = diff.base.rate;
  const after = diff.new.rate;
  if (before > 0) {
    const change = after / before - 1;
    const what = diff.mode === 'ALLOC' ? 'allocation samples' : diff.mode === 'LOCK' ? 'lock-wait samples' : diff.mode === 'WALL' ? 'wall-clock samples' : 'CPU samples';
    notes.push(`${capital(what)}: ${fmt(before)} → ${fmt(after)} ${unitWord} (${signed(change * 100)}%).`);
  }

  for (const s of diff.signals) {
    const words = SIGNAL_WORDS[s.key];
    if (!words) continue;
    const fell = s.basePercent - s.newPercent >= SIGNAL_POINTS && s.basePercent >= s.newPercent * SIGNAL_FACTOR;
    const rose = s.newPercent - s.basePercent >= SIGNAL_POINTS && s.newPercent >= s.basePercent * SIGNAL_FACTOR;
    if (fell) notes.push(`${capital(words.what)} fell from ${s.basePercent}% to ${s.newPercent}%: ${words.fixed}.`);
    else if (rose) notes.push(`${capital(words.what)} rose from ${s.basePercent}% to ${s.newPercent}%.`);
  }

  for (const f of diff.findings.fixed) notes.push(`Gone: ${f.title} (was ${f.severity}).`);
  for (const f of diff.findings.introduced) notes.push(`New: ${f.title} (${f.severity}).`);
  for (const f of diff.findings.persisting) {
    notes.push(f.newSeverity === f.severity ? `Still there: ${f.title} (${f.severity}).` : `Still there, ${f.severity} → ${f.newSeverity}: ${f.title}.`);
  }

  const grew = diff.self.grew[0];
  if (grew) notes.push(`Grew most: ${grew.name}, ${grew.basePercent}% → ${grew.newPercent}% of self samples.`);
  const shrank = diff.self.shrank[0];
  if (shrank) notes.push(`Shrank most: ${shrank.name}, ${shrank.basePercent}% → ${shrank.newPercent}% of self samples.`);
  if (notes.length === 0) notes.push('No change beyond noise between the two runs.');
  return notes;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toPrecision(2);
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(0)}`;
}

/** rows per ranking in what the model is given */
const PROMPT_ROWS = 8;

/** The diff as the model is given it: the builtin reading, then compact tables; and the frame names in it (for --redact). */
export function diffPromptText(diff: ProfileDiff, notes: string[]): { text: string; frames: string[] } {
  const frames: string[] = [];
  const lines: string[] = [
    `BASE: ${diff.base.targets} target(s)${diff.base.seconds !== null ? `, ${Math.round(diff.base.seconds)} s` : ''}; NEW: ${diff.new.targets} target(s)${diff.new.seconds !== null ? `, ${Math.round(diff.new.seconds)} s` : ''}; values in ${diff.unit}.`,
    '',
    '### Builtin reading of the change',
    ...notes.map((n) => `- ${n}`),
  ];
  const table = (title: string, list: ProfileDiff['appeared']): void => {
    if (list.length === 0) return;
    lines.push('', `### ${title}`, '| function | BASE | NEW | change |', '|---|---|---|---|');
    for (const c of list.slice(0, PROMPT_ROWS)) {
      frames.push(c.name);
      lines.push(`| ${c.name} | ${c.base} (${c.basePercent}%) | ${c.new} (${c.newPercent}%) | ${c.relative === null ? 'new' : `${c.relative > 0 ? '+' : ''}${Math.round(c.relative * 100)}%`} |`);
    }
  };
  table('Self time grew most', diff.self.grew);
  table('Self time shrank most', diff.self.shrank);
  table('Total time grew most', diff.total.grew);
  table('Total time shrank most', diff.total.shrank);
  table('Only in NEW', diff.appeared);
  table('Only in BASE', diff.vanished);
  if (diff.categories.length > 0) {
    lines.push('', '### Category shares (% of samples)', '| category | BASE | NEW |', '|---|---|---|');
    for (const c of diff.categories) lines.push(`| ${c.key} | ${c.basePercent} | ${c.newPercent} |`);
  }
  return { text: lines.join('\n'), frames };
}
