// ALLOC and LOCK rules. Both profiles count events (TLAB refills and outside-TLAB allocations;
// contended lock entries), so severity needs the event rate as well as the share. Allocations are
// blamed on the code that asked for them (the allocating frame's nearest non-JDK caller, and the
// user function above it), never on frames that only pass records along.
import { classOf, dotted, shortFrame } from '../../flamegraph/frame-kinds.ts';
import type { CostSite } from '../../flamegraph/types.ts';
import { formatRate, perSecond } from '../rates.ts';
import { attributeSite, type Band, bandSeverity, formatPercent, milder, pathEvidence, type RuleContext, type ScoredFinding, sitesOf, where } from './context.ts';

export const ALLOC_LOCK_THRESHOLDS = {
  /** percent of allocation samples one blamed function causes */
  allocationShare: { medium: 20, high: 40 },
  /** allocation samples per second it causes */
  allocationRate: { medium: 100, high: 400 },
  recordCopyShare: { medium: 10, high: 25 },
  recordCopyRate: { medium: 50, high: 200 },
  /** percent of lock samples on one lock site */
  lockShare: { medium: 10, high: 30 },
  /** contended entries per second on it */
  lockRate: { medium: 50, high: 300 },
} as const satisfies Record<string, Band>;

interface Group {
  key: string;
  samples: number;
  sites: CostSite[];
}

function groupSites(sites: CostSite[], keyOf: (site: CostSite) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const site of sites) {
    const key = keyOf(site);
    const group = groups.get(key) ?? { key, samples: 0, sites: [] };
    group.samples += site.samples;
    group.sites.push(site);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.samples - a.samples);
}

/** the copy a chaining output makes of each record (the 'record-copy' signal's frame called by CopyingChainingOutput) */
const isChainCopy = (site: CostSite): boolean => /CopyingChainingOutput\./.test(dotted(site.caller ?? ''));
/** allocations made inside a serializer's copy: Flink's, whatever user function emitted the record */
const isCopyAllocation = (site: CostSite): boolean => /Serializer\.copy$/.test(dotted(site.blame ?? ''));

/** below a tenth of the medium rate a share says nothing at all; up to the medium rate it is a low finding */
const LOW_RATE_FRACTION = 0.1;

function severityOf(share: number, rate: number, shareBand: Band, rateBand: Band): ScoredFinding['severity'] | undefined {
  const byShare = bandSeverity(share, shareBand);
  return milder(byShare, bandSeverity(rate, rateBand)) ?? (byShare !== undefined && rate >= rateBand.medium * LOW_RATE_FRACTION ? 'low' : undefined);
}

const SMALL = 'at this rate it costs little: worth knowing, not what limits the job';

export function allocationFindings(ctx: RuleContext): ScoredFinding[] {
  const { summary } = ctx;
  if (summary.mode !== 'ALLOC' || summary.totalSamples === 0) return [];
  const sites = sitesOf(summary, 'self');
  const findings: ScoredFinding[] = [];
  const copies = sitesOf(summary, 'record-copy').filter(isChainCopy);
  const copySamples = copies.reduce((sum, site) => sum + site.samples, 0);
  if (copySamples > 0) {
    const share = (copySamples / summary.totalSamples) * 100;
    const rate = perSecond(copySamples, ctx.clock);
    const severity = severityOf(share, rate, ALLOC_LOCK_THRESHOLDS.recordCopyShare, ALLOC_LOCK_THRESHOLDS.recordCopyRate);
    if (severity !== undefined) {
      const lead = copies[0]!;
      const { attribution } = attributeSite(ctx, lead);
      findings.push({
        id: 'record-copies',
        severity,
        title: `Copying records between chained operators causes ${formatPercent(share)} of allocations (${shortFrame(lead.hotFrame)})`,
        evidence: [
          `${copySamples} allocation samples (${formatRate(rate, 'samples/s')}) are made inside serializer copies called by CopyingChainingOutput`,
          ...copies.slice(0, 3).map((site) => `${site.samples} samples in ${dotted(site.hotFrame)}${site.userFrame ? ` for records emitted by ${shortFrame(site.userFrame)}` : ''}`),
          ...pathEvidence(attribution),
        ],
        advice:
          'Flink deep-copies every record handed to the next chained operator because object reuse is off. If no function keeps a reference to an input record after returning ' +
          '(or emits the same object twice), set `pipeline.object-reuse: true`.',
        target: summary.target,
        attribution,
        score: share / 100,
      });
    }
  }
  // the code that asked for the allocation: the user function, else the nearest non-JDK frame
  const byCode = groupSites(
    sites.filter((site) => !isCopyAllocation(site)),
    (site) => site.userFrame ?? site.blame ?? site.caller ?? site.hotFrame,
  );
  const top = byCode[0];
  if (top !== undefined) {
    const share = (top.samples / summary.totalSamples) * 100;
    const rate = perSecond(top.samples, ctx.clock);
    const severity = severityOf(share, rate, ALLOC_LOCK_THRESHOLDS.allocationShare, ALLOC_LOCK_THRESHOLDS.allocationRate);
    if (severity !== undefined) {
      const lead = top.sites[0]!;
      const { attribution } = attributeSite(ctx, lead);
      const classes = groupSites(top.sites, (site) => site.hotFrame);
      const allocators = groupSites(top.sites, (site) => site.blame ?? site.caller ?? site.hotFrame);
      const who = attribution.userFunction ? shortFrame(attribution.userFunction) : shortFrame(top.key);
      findings.push({
        id: 'allocation',
        severity,
        title: `${where(attribution)} causes ${formatPercent(share)} of allocation samples (mostly ${classes[0]!.key})`,
        evidence: [
          `${top.samples} of ${summary.totalSamples} allocation samples, ${formatRate(rate, 'samples/s')} over ${Math.round(ctx.clock.seconds)} s (${ctx.clock.source})`,
          `allocated: ${classes.slice(0, 4).map((group) => `${group.key} ${group.samples}`).join(', ')}`,
          `allocating code: ${allocators.slice(0, 4).map((group) => `${shortFrame(group.key)} ${group.samples}`).join(', ')}`,
          ...pathEvidence(attribution),
        ],
        advice:
          `${who} allocates per record. Reuse buffers and objects across records (fields created in open()), avoid boxing, temporary collections, ` +
          `String concatenation/format and array copies on the per-record path${/jackson|gson/i.test(allocators.map((g) => g.key).join(' ')) ? ', and reuse one ObjectMapper/ObjectReader bound to a typed class instead of a JsonNode tree per record' : ''}. ` +
          'Object reuse (`pipeline.object-reuse`) only removes the copies Flink makes between chained operators, not allocations inside a function.',
        target: summary.target,
        attribution,
        score: share / 100,
      });
    }
  }
  return noteSmall(findings);
}

function noteSmall(findings: ScoredFinding[]): ScoredFinding[] {
  return findings.map((finding) => (finding.severity === 'low' ? { ...finding, evidence: [...finding.evidence, SMALL] } : finding));
}

export function lockFindings(ctx: RuleContext): ScoredFinding[] {
  const { summary } = ctx;
  if (summary.mode !== 'LOCK' || summary.totalSamples === 0) return [];
  // one lock site = the locked class and the frame that waited to enter it
  const groups = groupSites(sitesOf(summary, 'self'), (site) => `${site.hotFrame}|${site.caller ?? ''}`);
  const top = groups[0];
  if (top === undefined) return [];
  const share = (top.samples / summary.totalSamples) * 100;
  const rate = perSecond(top.samples, ctx.clock);
  const severity = severityOf(share, rate, ALLOC_LOCK_THRESHOLDS.lockShare, ALLOC_LOCK_THRESHOLDS.lockRate);
  if (severity === undefined) return [];
  const lead = top.sites[0]!;
  const { attribution } = attributeSite(ctx, lead);
  const lockClass = dotted(lead.hotFrame);
  const waiter = lead.caller ? dotted(lead.caller) : undefined;
  // the waiting frame is user code: a synchronized method (or block) of the job's own
  const userWaits = waiter !== undefined && lead.userFrame !== undefined && dotted(lead.userFrame) === waiter;
  const classLock = lockClass === 'java.lang.Class';
  let advice: string;
  if (classLock && userWaits) {
    advice =
      `${waiter} is a static synchronized method${attribution.userFunction && attribution.userFunction !== waiter ? `, called by ${shortFrame(attribution.userFunction)}` : ''}: every call locks the class object of ${classOf(waiter)}, so all subtasks in this TaskManager (one per slot) queue on it. ` +
      `Give each parallel instance its own state (a non-static field created in open()), use a concurrent structure (ConcurrentHashMap, LongAdder) instead of the lock, ` +
      `or shrink the synchronized part to the few statements that need it.`;
  } else if (userWaits) {
    advice =
      `${waiter} enters a monitor on ${lockClass} that other threads hold: usually an object shared by all subtasks of the TaskManager (a static field, a shared client or cache). ` +
      `Create one per parallel instance in open(), use a concurrent structure instead of synchronized access, or call shared clients through Flink Async I/O.`;
  } else {
    advice =
      `Threads wait for ${lockClass}${waiter ? ` in ${shortFrame(waiter)}` : ''}. Contention inside Flink's buffer pools or mailbox usually follows from back pressure; ` +
      `inside a client library, use one client per parallel instance or Async I/O.`;
  }
  return noteSmall([
    {
      id: 'lock-contention',
      severity,
      title: `Lock contention on ${lockClass}${waiter ? ` entered by ${shortFrame(waiter)}` : ''} (${formatPercent(share)} of lock samples)`,
      evidence: [
        `${top.samples} contended lock entries, ${formatRate(rate, 'per second')} over ${Math.round(ctx.clock.seconds)} s (${ctx.clock.source})`,
        ...groups.slice(1, 3).map((group) => `also: ${group.sites[0]!.hotFrame} entered by ${shortFrame(group.sites[0]!.caller ?? '?')}: ${group.samples} samples`),
        ...pathEvidence(attribution),
      ],
      advice,
      target: summary.target,
      attribution,
      score: share / 100,
    },
  ]);
}
