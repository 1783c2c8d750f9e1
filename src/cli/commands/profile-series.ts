// `profile --every`: the series workflow calling the single run (profile-run.ts) once per slot.
// Text mode prints each run as `profile` does, then its trend; `-o json` writes one line per run
// (NDJSON): the single run's document with the series position and the trend added.
import { ExitCode, failureOf, SquirrlyError, type Failure } from '../../errors.ts';
import type { Cluster } from '../../kube/cluster.ts';
import type { SeriesPlan, SeriesPosition, SeriesRunEnd, SeriesRunResult } from '../../workflow/profile-series.ts';
import type { CommandContext } from '../context.ts';
import type { ProgressRenderer } from '../render/progress.ts';
import { trendText } from '../render/series.ts';
import { profileOnce, type ProfileArgs, type ProfileRunOutcome } from './profile-run.ts';

const SERIES_CODE_ORDER: readonly number[] = [ExitCode.failure, ExitCode.pushFailed, ExitCode.analysisFailed];

export async function profileSeriesCommand(ctx: CommandContext, cluster: Cluster, progress: ProgressRenderer, args: ProfileArgs, plan: SeriesPlan): Promise<number> {
  const { profileSeries } = await import('../../workflow/profile-series.ts');
  const json = ctx.options.output === 'json';
  const codes: number[] = [];
  const outcomes = new Map<number, ProfileRunOutcome>();
  const result = await profileSeries(
    plan,
    {
      async run(position) {
        if (!json) ctx.stdout.write(`${position.run > 1 ? '\n' : ''}${ctx.chalk.bold(`── run ${position.run}, slot ${position.slot} of ${position.slots} ──`)}\n`);
        const outcome = await profileOnce(ctx, cluster, progress, args);
        outcomes.set(position.slot, outcome);
        return { files: outcome.files, ...(outcome.failure ? { failure: failureOf(outcome.failure) } : {}) };
      },
      ended(end) {
        const outcome = outcomes.get(end.position.slot);
        outcomes.delete(end.position.slot);
        codes.push(outcome?.failure || end.failure ? ExitCode.failure : (outcome?.code ?? ExitCode.failure));
        if (json) ctx.stdout.write(`${JSON.stringify(seriesJson(end, outcome, plan, { deployment: args.deployment ?? null, namespace: cluster.namespace }))}\n`);
        else if (end.trend) ctx.stdout.write(trendText(end.trend, ctx.chalk));
      },
    },
    progress.emit,
    { signal: ctx.signal, stoppedHint: `look at the runs with: kubectl squirrly artifacts ${args.deployment?.split('/').pop() ?? ''} -n ${cluster.namespace}` },
  );
  if (!json) ctx.stdout.write(`\nSeries: ${result.runs} run(s), ${result.failed} failed, ${result.skipped} slot(s) skipped\n`);
  if (result.runs === 0) throw new SquirrlyError('no run of the series started: every slot was skipped', { hint: 'see the skipped lines above for why; wait for the other profiling to end and run again' });
  // a single run's order: any failed run fails the series, then a failed push, then an analysis, export or report that failed
  return SERIES_CODE_ORDER.find((code) => codes.includes(code)) ?? ExitCode.ok;
}

/** One NDJSON line: the run's own document, where it stands in the series, its trend, and the error when it threw. */
function seriesJson(end: SeriesRunEnd<SeriesRunResult>, outcome: ProfileRunOutcome | undefined, plan: SeriesPlan, fallback: { deployment: string | null; namespace: string }): object {
  const failure: Failure | undefined = end.failure ?? end.result?.failure;
  return {
    ...(outcome?.json ?? { deployment: fallback.deployment, namespace: fallback.namespace }),
    series: seriesPosition(end.position, plan),
    trend: end.trend ?? null,
    error: failure ? { message: failure.message, hint: failure.hint ?? null } : null,
  };
}

function seriesPosition(position: SeriesPosition, plan: SeriesPlan): object {
  return {
    run: position.run,
    slot: position.slot,
    slots: position.slots,
    everySeconds: plan.everyMs / 1000,
    due: new Date(position.dueAt).toISOString(),
  };
}
