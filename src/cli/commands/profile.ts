// `kubectl squirrly profile <deployment>`: flags → one run (profile-run.ts) → exit code.
import { flagOption, listOption, type StringOption } from '../options.ts';
import { resolveDuration, resolveMode } from '../settings.ts';
import { PROFILING_MODES, type ProfilingMode } from '../../flamegraph/types.ts';
import { defineCommand } from '../command.ts';
import { pushOption, pushTenantOption } from '../push-options.ts';
import { parseSeriesCount, parseSeriesDuration, seriesPlan } from './series-options.ts';
import { analysisOptions, deploymentArgument, exportOption, flinkTlsOptions, maxArtifactSizeOption, outputDirOption, searchDirsOption, viaOption } from './shared-options.ts';

const type: StringOption<ProfilingMode> = {
  kind: 'string',
  short: 't',
  value: 'MODE',
  choices: PROFILING_MODES,
  describe: 'CPU, ITIMER, ALLOC, LOCK or WALL (default PROFILER_TYPE, then ITIMER)',
  parse: (raw, env) => resolveMode(raw, env),
};

const duration: StringOption<number> = {
  kind: 'string',
  short: 'd',
  value: 'SECONDS',
  describe: 'seconds to profile (default PROFILER_DURATION, then 60)',
  parse: (raw, env) => resolveDuration(raw, env),
};

export const profileOptions = {
  deployment: deploymentArgument,
  type,
  duration,
  taskmanager: listOption({ value: 'ID|POD', describe: 'TaskManager id or pod to profile (repeatable; default: all)' }),
  jobmanager: flagOption({ default: false, describe: 'also profile the JobManager (alone when no --taskmanager is given)' }),
  outputDir: outputDirOption('artifacts'),
  maxArtifactSize: maxArtifactSizeOption,
  searchDirs: searchDirsOption('pod folders for the exec fallback'),
  via: viaOption,
  ...flinkTlsOptions,
  analysis: flagOption({ default: true, negatable: true, describe: 'skip the analysis of the saved flame graphs' }),
  open: flagOption({ default: false, describe: 'open the run\'s report in the browser' }),
  export: exportOption,
  push: pushOption,
  pushTenant: pushTenantOption,
  ...analysisOptions,
  every: seriesDuration('DURATION', 'repeat the run every DURATION (10m, 1h), from the first start; needs --count or --for'),
  count: { kind: 'string', value: 'N', describe: 'with --every: this many slots', parse: (raw, _env, flag) => parseSeriesCount(raw, flag) } satisfies StringOption<number | undefined>,
  for: seriesDuration('DURATION', 'with --every: the slots that start within DURATION of the first'),
};

function seriesDuration(value: string, describe: string): StringOption<number | undefined> {
  return { kind: 'string', value, describe, parse: (raw, _env, flag) => parseSeriesDuration(raw, flag) };
}

export const profileCommand = defineCommand({
  name: 'profile',
  summary: 'profile a FlinkDeployment: trigger, wait, download, summarise, analyse',
  options: profileOptions,
  examples: [
    ['profile sample-job --type ALLOC --duration 30', 'allocation profile of every TaskManager for 30 s'],
    ['profile sample-job --push http://pyroscope:4040', 'profile, then send the flame graphs to Pyroscope'],
    ['profile sample-job --duration 30 --every 10m --for 2h', 'a 30 s profile every 10 minutes for two hours, each run compared with the first and the previous'],
  ],
  async run(ctx, args) {
    // every flag combination is checked before the first call to the cluster
    const plan = seriesPlan(args);
    const { profileOnce } = await import('./profile-run.ts');
    const cluster = await ctx.connect();
    const progress = await ctx.progress();
    if (plan) return (await import('./profile-series.ts')).profileSeriesCommand(ctx, cluster, progress, args, plan);
    const outcome = await profileOnce(ctx, cluster, progress, args);
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify(outcome.json, null, 2) + '\n');
    if (outcome.failure) throw outcome.failure;
    return outcome.code;
  },
});
