// 2. Overhead of `profile sample-job --duration 1 --provider builtin` on the simulated cluster
// (clockSpeed 1, so the duration is real): wall time minus the duration, per TaskManager count,
// with a phase breakdown taken from the arrival times of the CLI's `--progress json` events on stderr.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startScenario } from '../sim/scenario.ts';
import { analyzeCpuProfile, type ProfileReport } from './cpu-profile.ts';
import { fmtMs, median, nodeBin, repoRoot, runChild, type Section } from './common.ts';

const DURATION_S = 1;
const TARGET_SMALL_MS = 500;
const TARGET_LARGE_MS = 1500;

export const PHASES = ['start', 'discover', 'trigger', 'wait-excess', 'download', 'analyse+exit'] as const;
export type Phase = (typeof PHASES)[number];

export interface OverheadRun {
  wallMs: number;
  overheadMs: number;
  phasesMs: Partial<Record<Phase, number>>;
  kubeRequests: number;
  flinkRequests: number;
  code: number | null;
}

export interface OverheadPoint {
  taskManagers: number;
  runs: OverheadRun[];
  /** the run with the median overhead */
  median: OverheadRun;
}

export interface OverheadResult {
  plugin: string;
  points: OverheadPoint[];
  growth: { perTaskManagerMs: number; largestOverSmallest: number; countRatio: number } | undefined;
  checks: Array<{ what: string; ok: boolean }>;
  met: boolean | undefined;
  profiles: Array<{ taskManagers: number; report: ProfileReport }>;
}

interface Plugin {
  label: string;
  command: string;
  args: string[];
}

export function pluginFor(binary: string | undefined): Plugin {
  return binary
    ? { label: `binary ${path.relative(repoRoot, binary)}`, command: binary, args: [] }
    : { label: 'sources (node bin/kubectl-squirrly.js)', command: nodeBin, args: [path.join(repoRoot, 'bin', 'kubectl-squirrly.js')] };
}

const sourcePlugin = (): Plugin => pluginFor(undefined);

/** One `--progress json` event as it arrived; the phase marks are the last event of each kind. */
interface Arrival {
  event: { type?: unknown; state?: unknown };
  ms: number;
}

function readEvent(line: string): Arrival['event'] | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function phases(arrivals: Arrival[], exitMs: number): Partial<Record<Phase, number>> {
  const first = arrivals[0]?.ms;
  const last = (type: string, state?: string) => arrivals.filter((a) => a.event.type === type && (state === undefined || a.event.state === state)).pop()?.ms;
  const plan = last('plan');
  const running = last('target', 'running');
  const finished = last('target', 'finished');
  const saved = last('target', 'saved');
  const out: Partial<Record<Phase, number>> = {};
  if (first !== undefined) out.start = first;
  if (first !== undefined && plan !== undefined) out.discover = plan - first;
  if (plan !== undefined && running !== undefined) out.trigger = running - plan;
  if (running !== undefined && finished !== undefined) out['wait-excess'] = finished - running - DURATION_S * 1000;
  if (finished !== undefined && saved !== undefined) out.download = saved - finished;
  if (saved !== undefined) out['analyse+exit'] = exitMs - saved;
  return out;
}

async function profileOnce(
  scenario: Awaited<ReturnType<typeof startScenario>>,
  plugin: Plugin,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<OverheadRun> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-out-'));
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-kubecache-'));
  const flink = scenario.flink('sample-job');
  const kubeBefore = scenario.requests.length;
  const flinkBefore = flink?.requests.length ?? 0;
  const arrivals: Arrival[] = [];
  try {
    const run = await runChild(
      plugin.command,
      [...plugin.args, 'profile', 'sample-job', '--duration', String(DURATION_S), '--provider', 'builtin', '--output-dir', outDir, '--progress', 'json'],
      {
        env: {
          PATH: [path.dirname(nodeBin), process.env.PATH].join(path.delimiter),
          HOME: process.env.HOME,
          KUBECONFIG: scenario.kubeconfigPath,
          KUBECACHEDIR: cacheDir,
          NO_COLOR: '1',
          ...extraEnv,
        },
        timeoutMs: 120_000,
        onStderrLine: (text, ms) => {
          const event = readEvent(text);
          if (event) arrivals.push({ event, ms });
        },
      },
    );
    if (run.code !== 0) throw new Error(`profile exited ${run.code ?? run.signal}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return {
      wallMs: run.ms,
      overheadMs: run.ms - DURATION_S * 1000,
      phasesMs: phases(arrivals, run.ms),
      kubeRequests: scenario.requests.length - kubeBefore,
      flinkRequests: (flink?.requests.length ?? 0) - flinkBefore,
      code: run.code,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function withScenario<T>(taskManagers: number, body: (s: Awaited<ReturnType<typeof startScenario>>) => Promise<T>): Promise<T> {
  const scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers }], clockSpeed: 1 });
  try {
    return await body(scenario);
  } finally {
    await scenario.stop();
  }
}

/** One run of the sources under --cpu-prof; the profile of the plugin process, read back. */
async function cpuProfile(taskManagers: number): Promise<ProfileReport | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-cpuprof-'));
  try {
    await withScenario(taskManagers, (s) => profileOnce(s, sourcePlugin(), { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` }));
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    return file ? analyzeCpuProfile(path.join(dir, file)) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** profile: 'never', 'miss' (the counts that miss), or 'always' (also the largest count, for the record) */
export async function benchOverhead(opts: { binary: string | undefined; counts: number[]; reps: number; profile: 'never' | 'miss' | 'always' }): Promise<OverheadResult> {
  const plugin = pluginFor(opts.binary);
  const points: OverheadPoint[] = [];
  for (const taskManagers of opts.counts) {
    const runs = await withScenario(taskManagers, async (scenario) => {
      await profileOnce(scenario, plugin); // warm-up: page cache, simulator JIT
      const out: OverheadRun[] = [];
      for (let i = 0; i < opts.reps; i++) out.push(await profileOnce(scenario, plugin));
      return out;
    });
    const m = median(runs.map((r) => r.overheadMs));
    const medianRun = [...runs].sort((a, b) => Math.abs(a.overheadMs - m) - Math.abs(b.overheadMs - m))[0]!;
    points.push({ taskManagers, runs, median: medianRun });
  }
  const small = points[0];
  const large = points[points.length - 1];
  let growth: OverheadResult['growth'];
  if (small && large && large.taskManagers > small.taskManagers) {
    growth = {
      perTaskManagerMs: (large.median.overheadMs - small.median.overheadMs) / (large.taskManagers - small.taskManagers),
      largestOverSmallest: large.median.overheadMs / small.median.overheadMs,
      countRatio: large.taskManagers / small.taskManagers,
    };
  }
  const checks: Array<{ what: string; ok: boolean }> = [];
  for (const p of points) {
    if (p.taskManagers === 1) checks.push({ what: `1 TM < ${TARGET_SMALL_MS} ms`, ok: p.median.overheadMs < TARGET_SMALL_MS });
    if (p.taskManagers === 128) checks.push({ what: `128 TM < ${TARGET_LARGE_MS} ms`, ok: p.median.overheadMs < TARGET_LARGE_MS });
  }
  // "not linear": going from the smallest to the largest count may cost at most a small fraction of proportional growth
  if (growth && growth.countRatio >= 8) checks.push({ what: 'sub-linear growth', ok: growth.largestOverSmallest < growth.countRatio / 4 });
  const met = checks.length > 0 ? checks.every((c) => c.ok) : undefined;
  const profiles: OverheadResult['profiles'] = [];
  if (opts.profile === 'always' || (opts.profile === 'miss' && met === false)) {
    const missed = points.filter((p) => (p.taskManagers === 1 && p.median.overheadMs >= TARGET_SMALL_MS) || (p.taskManagers === 128 && p.median.overheadMs >= TARGET_LARGE_MS));
    const toProfile = new Set(missed.map((p) => p.taskManagers));
    if (large && (toProfile.size === 0 || opts.profile === 'always')) toProfile.add(large.taskManagers);
    for (const n of toProfile) {
      const report = await cpuProfile(n);
      if (report) profiles.push({ taskManagers: n, report });
    }
  }
  return { plugin: plugin.label, points, growth, checks, met, profiles };
}

export function overheadSection(r: OverheadResult): Section {
  const rows = r.points.map((p) => [
    String(p.taskManagers),
    fmtMs(p.median.wallMs),
    fmtMs(p.median.overheadMs),
    p.runs.map((x) => fmtMs(x.overheadMs)).join(' / '),
    ...PHASES.map((ph) => fmtMs(p.median.phasesMs[ph] ?? Number.NaN)),
    `${p.median.kubeRequests}/${p.median.flinkRequests}`,
  ]);
  const notes = [
    `plugin: ${r.plugin}; duration ${DURATION_S} s at clockSpeed 1; one warm-up run per count, median of the rest`,
    'phases from --progress json event arrival: start=spawn→first event, discover→plan, trigger→last target "running",',
    'wait-excess=last "finished"−last "running"−duration, download→last "saved", analyse+exit→process exit',
  ];
  if (r.growth) {
    notes.push(
      `growth: ${r.growth.perTaskManagerMs.toFixed(1)} ms per extra TaskManager; ${r.growth.largestOverSmallest.toFixed(2)}x overhead for ${r.growth.countRatio}x TaskManagers (linear would be ${r.growth.countRatio}x; target < ${r.growth.countRatio / 4}x)`,
    );
  }
  if (r.checks.length > 0) notes.push(`checks: ${r.checks.map((c) => `${c.what}: ${c.ok ? 'met' : 'MISSED'}`).join('; ')}`);
  for (const p of r.profiles) {
    notes.push(`cpu profile of the sources at ${p.taskManagers} TM (${p.report.busyMs} ms busy of ${p.report.totalMs} ms sampled; % of busy):`);
    notes.push(`  by area (self): ${p.report.areas.map((a) => `${a.fn} ${a.percent}%`).join(', ')}`);
    notes.push(`  src/ inclusive: ${p.report.srcInclusive.slice(0, 6).map((h) => `${h.fn} ${h.where} ${h.percent}%`).join('; ')}`);
    notes.push(`  self: ${p.report.self.slice(0, 6).map((h) => `${h.fn} ${h.where} ${h.percent}%`).join('; ')}`);
  }
  return {
    title: '2. Profile overhead (wall − duration)',
    target: `< ${TARGET_SMALL_MS} ms at 1 TM, < ${TARGET_LARGE_MS} ms at 128 TM, sub-linear growth`,
    header: ['TMs', 'wall', 'overhead', 'all runs', ...PHASES, 'kube/flink req'],
    rows,
    notes,
    met: r.met,
  };
}
