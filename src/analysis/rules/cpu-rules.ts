// CPU rules (CPU and ITIMER profiles): known costly patterns — Kryo fallback, regular expressions,
// logging, exceptions, JSON, RocksDB — judged by their share AND their absolute CPU per second, and
// explained with the code that asks for them.
import { classOf, dotted, isUserFrame, shortFrame } from '../../flamegraph/frame-kinds.ts';
import type { CostSite, SignalId } from '../../flamegraph/types.ts';
import { threadMsPerSecond } from '../rates.ts';
import {
  attributeSite,
  type Band,
  bandSeverity,
  costText,
  CPU_MODES,
  formatPercent,
  leadSite,
  milder,
  pathEvidence,
  type RuleContext,
  type ScoredFinding,
  sitesEvidence,
  sitesOf,
  where,
} from './context.ts';

/** Share of all samples (percent) and CPU cost (ms per second, 1000 = one core) both have to pass a band. */
export const CPU_THRESHOLDS = {
  share: {
    kryo: { medium: 5, high: 15 },
    logging: { medium: 5, high: 15 },
    regex: { medium: 5, high: 15 },
    json: { medium: 10, high: 25 },
    exceptions: { medium: 2, high: 10 },
    rocksdb: { medium: 15, high: 30 },
  },
  /** ms of CPU per second */
  cost: {
    kryo: { medium: 40, high: 150 },
    logging: { medium: 40, high: 150 },
    regex: { medium: 40, high: 150 },
    json: { medium: 80, high: 250 },
    exceptions: { medium: 20, high: 100 },
    rocksdb: { medium: 80, high: 250 },
  },
} as const satisfies { share: Record<string, Band>; cost: Record<string, Band> };

/** below a tenth of the medium cost a share says nothing at all; up to the medium cost it is a low finding */
const LOW_COST_FRACTION = 0.1;

type CodeSignal = keyof typeof CPU_THRESHOLDS.share;

interface CodeRule {
  id: string;
  signal: CodeSignal;
  what: string;
  advice: (ctx: RuleContext, lead: CostSite, sites: CostSite[]) => string;
}

const fn = (frame: string | undefined): string => (frame ? shortFrame(frame) : 'the function');

/** The class Kryo builds an instance of (a constructor or user code right below Kryo), if a site shows one. */
function kryoClass(sites: CostSite[]): string | undefined {
  const counts = new Map<string, number>();
  for (const site of sites) {
    const below = site.below ? dotted(site.below) : undefined;
    if (below === undefined || /^(?:com\.esotericsoftware|org\.apache\.flink|java\.lang\.Object\.)/.test(below)) continue;
    if (!/\.<init>$/.test(below) && !isUserFrame(site.below!, 'jit')) continue;
    counts.set(classOf(below), (counts.get(classOf(below)) ?? 0) + site.samples);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function kryoAdvice(ctx: RuleContext, lead: CostSite, sites: CostSite[]): string {
  const { attribution } = attributeSite(ctx, lead);
  const underPojo = /PojoSerializer\./.test(dotted(lead.caller ?? '')) || lead.path.some((frame) => /PojoSerializer\.(?:serialize|deserialize|copy)$/.test(dotted(frame)));
  const fieldClass = kryoClass(sites);
  const record = `the records ${where(attribution)} emits`;
  if (underPojo) {
    return (
      `The record type is a POJO, but Kryo runs inside its PojoSerializer: one of its fields has a type Flink cannot analyse ` +
      `(an interface, Object, java.util.Optional, a generic collection element or a class without a public no-arg constructor), so that field alone falls back to Kryo` +
      `${fieldClass ? `; the class Kryo handles here is ${fieldClass}` : ''}. Declare that field's type concretely (a POJO or basic type, or store an Optional's value as a nullable field), ` +
      `or give it TypeInformation with @TypeInfo / a TypeInfoFactory, or register a serializer for its class. ` +
      `\`pipeline.generic-types: false\` makes any remaining fallback fail at submission, naming the type.`
    );
  }
  return (
    `Flink serializes ${record} with Kryo because their type is not a POJO (GenericTypeInfo)${fieldClass ? ` — Kryo handles ${fieldClass} here` : ''}. ` +
    `Make the record class a POJO (public, public no-arg constructor, public fields or getters/setters of supported types) or declare its TypeInformation ` +
    `(returns(...) / a TypeHint), and set \`pipeline.generic-types: false\` so every remaining fallback fails fast at submission.`
  );
}

function regexAdvice(ctx: RuleContext, lead: CostSite): string {
  const compiles = sitesOf(ctx.summary, 'regex-compile');
  const compile = compiles.find((site) => site.userFrame === lead.userFrame) ?? compiles[0];
  const { attribution } = attributeSite(ctx, compile ?? lead);
  const user = attribution.userFunction;
  if (compile !== undefined) {
    // the call that reached the regex engine (String.matches, Pattern.matches, the user's own compile)
    const entry = lead.userFrame === compile.userFrame ? lead.caller : undefined;
    const via = dotted(entry ?? compile.caller ?? 'java.util.regex.Pattern.compile');
    const viaString = /^java\.lang\.String\.(matches|split|replaceAll|replaceFirst)$/.exec(via) ?? /^java\.util\.regex\.Pattern\.matches$/.exec(via);
    return (
      `${fn(user)} compiles a regular expression for every record` +
      `${viaString ? ` (${via} builds a new Pattern on each call)` : ` (via ${via})`}. ` +
      `Compile it once — a \`private static final Pattern\` in ${user ? classOf(user) : 'the function class'} or a field set in open() — and call pattern.matcher(value).matches() ` +
      `instead of String.matches/split/replaceAll; for fixed separators, indexOf-based parsing is cheaper still.`
    );
  }
  return `${fn(user)} spends this time matching, not compiling: simplify the pattern (anchors, no backtracking-heavy groups), match once per record, or parse with indexOf.`;
}

function loggingAdvice(ctx: RuleContext, lead: CostSite): string {
  const { attribution } = attributeSite(ctx, lead);
  const callSite = attribution.userFunction;
  return (
    `${callSite ? `${shortFrame(callSite)} logs per record (via ${shortFrame(attribution.hotFrame)})` : `Logging runs per record (${shortFrame(attribution.hotFrame)})`}. ` +
    `Remove that call or move it behind a condition, guard it with isDebugEnabled() and use parameterised messages so nothing is built when disabled, ` +
    `or raise the level of ${callSite ? `the logger of ${classOf(callSite)}` : 'that logger'} (e.g. \`logger.app.name = ${callSite ? classOf(callSite) : '<class>'}\`, \`logger.app.level = WARN\` in the log4j configuration / spec.logConfiguration); ` +
    `asynchronous appenders take the I/O off the task thread but not the formatting.`
  );
}

function exceptionsAdvice(ctx: RuleContext, lead: CostSite): string {
  const { attribution } = attributeSite(ctx, lead);
  const thrown = /\.<init>$/.test(attribution.hotFrame) ? classOf(attribution.hotFrame) : 'exceptions';
  return (
    `${fn(attribution.userFunction)} creates ${thrown} on its hot path${lead.caller ? ` (from ${shortFrame(lead.caller)})` : ''}, and each one fills in its stack trace. ` +
    `Validate the input instead of catching the exception (e.g. check digits before Integer.parseInt / Long.parseLong), return a result value for the expected failure case, ` +
    `and if a connector or client throws constantly, fix what it is failing on.`
  );
}

function jsonAdvice(ctx: RuleContext, lead: CostSite): string {
  const { attribution } = attributeSite(ctx, lead);
  return (
    `${fn(attribution.userFunction)} parses JSON per record (${shortFrame(attribution.hotFrame)}). Create one ObjectMapper (or an ObjectReader for the target class) in open() and reuse it, ` +
    `bind to a typed class instead of a JsonNode tree, parse once at the source with a DeserializationSchema, or move to a binary format (Avro, Protobuf).`
  );
}

const READ = /State\.(?:value|get|contains|iterator|entries|keys|values|isEmpty)$|RocksDB\.(?:get|multiGet\w*)$/;

function rocksdbAdvice(_ctx: RuleContext, lead: CostSite, sites: CostSite[]): string {
  const user = lead.function ?? lead.userFrame;
  const mine = sites.filter((site) => (site.function ?? site.userFrame) === user);
  const isRead = (site: CostSite): boolean => READ.test(dotted(site.caller ?? '')) || READ.test(dotted(site.hotFrame));
  const calls = new Map<string, number>();
  for (const site of mine) {
    const call = `${shortFrame(site.caller ?? site.hotFrame)} → ${shortFrame(site.hotFrame)}`;
    calls.set(call, (calls.get(call) ?? 0) + site.samples);
  }
  const readSamples = mine.filter(isRead).reduce((sum, site) => sum + site.samples, 0);
  const writeSamples = mine.reduce((sum, site) => sum + site.samples, 0) - readSamples;
  const listed = [...calls].sort((a, b) => b[1] - a[1]).map(([call, samples]) => `${call} ${samples}`).join(', ');
  const both = readSamples > 0 && writeSamples > 0;
  return (
    `${fn(user)} spends this in keyed-state access on RocksDB (${listed}; ${readSamples} samples reading, ${writeSamples} writing). ` +
    `Every value()/get() is a JNI get plus deserialization and every update()/put() a JNI put plus serialization, per state and per record. ` +
    (both
      ? `Read each state once per record and keep the value in a local; if the function reads and updates several states for every record (such as two ValueStates always used together), ` +
        `keep them in one ValueState of a small POJO so a record costs one get and one put. `
      : '') +
    `Use cheap serializers for keys and values, bound state with TTL, give RocksDB more memory (\`taskmanager.memory.managed.fraction\`, \`state.backend.rocksdb.memory.managed: true\`), ` +
    `and if the state fits in the heap, the HashMap state backend avoids JNI entirely.`
  );
}

const CODE_RULES: readonly CodeRule[] = [
  { id: 'kryo', signal: 'kryo', what: 'Kryo fallback serialization', advice: kryoAdvice },
  { id: 'regex', signal: 'regex', what: 'Regular expressions', advice: regexAdvice },
  { id: 'logging', signal: 'logging', what: 'Logging', advice: loggingAdvice },
  { id: 'exceptions', signal: 'exceptions', what: 'Creating exceptions', advice: exceptionsAdvice },
  { id: 'json', signal: 'json', what: 'JSON parsing', advice: jsonAdvice },
  { id: 'rocksdb', signal: 'rocksdb', what: 'RocksDB state access', advice: rocksdbAdvice },
];

function codeFinding(ctx: RuleContext, rule: CodeRule): ScoredFinding | undefined {
  const { summary } = ctx;
  const share = summary.signals?.[rule.signal as SignalId];
  if (share === undefined) return undefined;
  const samples = share.samples ?? Math.round((share.percent * summary.totalSamples) / 100);
  const ms = threadMsPerSecond(samples, summary.mode, ctx.clock) ?? 0;
  const byShare = bandSeverity(share.percent, CPU_THRESHOLDS.share[rule.signal]);
  const byCost = bandSeverity(ms, CPU_THRESHOLDS.cost[rule.signal]);
  // A share past its band but a small absolute cost is worth a line, not an alarm.
  const severity = milder(byShare, byCost) ?? (byShare !== undefined && ms >= CPU_THRESHOLDS.cost[rule.signal].medium * LOW_COST_FRACTION ? 'low' : undefined);
  if (severity === undefined) return undefined;
  const sites = sitesOf(summary, rule.signal as SignalId);
  const lead = leadSite(sites);
  const attributed = lead ? attributeSite(ctx, lead) : undefined;
  const title = `${rule.what}: ${formatPercent(share.percent)} of samples${attributed ? ` in ${where(attributed.attribution)}` : ''}`;
  const evidence = [
    `${samples} of ${summary.totalSamples} samples pass through these frames: ${costText(ctx, samples)} over ${Math.round(ctx.clock.seconds)} s (${ctx.clock.source})`,
    ...sitesEvidence(ctx, sites, 3),
    ...(attributed ? pathEvidence(attributed.attribution) : []),
  ];
  if (severity === 'low') evidence.push('the absolute cost is small, so this is not what limits the job');
  return {
    id: rule.id,
    severity,
    title,
    evidence,
    advice: lead ? rule.advice(ctx, lead, sites) : `See the frames under ${shortFrame(share.frame)}.`,
    target: summary.target,
    ...(attributed ? { attribution: attributed.attribution } : {}),
    score: ms / 1000,
  };
}

export function cpuCodeFindings(ctx: RuleContext): ScoredFinding[] {
  if (!CPU_MODES.has(ctx.summary.mode)) return [];
  return CODE_RULES.map((rule) => codeFinding(ctx, rule)).filter((finding): finding is ScoredFinding => finding !== undefined);
}
