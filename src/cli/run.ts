// Parses argv with yargs, runs one command, and maps every error to one line plus an exit code.
// Command modules are imported only when their command runs, to keep start-up fast.
import yargs, { type Argv } from 'yargs';
import { ExitCode, UsageError } from '../errors.ts';
import { createContext, type CommandContext } from './context.ts';
import { analysisArgs, withAnalysisOptions } from './commands/analysis-options.ts';
import { withGlobalOptions, type GlobalOptions } from './global-options.ts';
import { commandName } from './invocation.ts';

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // yargs hands each handler the parsed flags; the global ones build the command context.
  const run = (work: (ctx: CommandContext, args: Record<string, unknown>) => Promise<number>) => async (parsed: Record<string, unknown>) => {
    exitCode = await work(await createContext(parsed as unknown as GlobalOptions, env, signal), parsed);
  };

  const parser = withGlobalOptions(yargs(argv))
    .scriptName(commandName())
    .usage('$0 <command> [flags]\n\nProfile Apache Flink jobs on Kubernetes with Flink\'s built-in profiler, and explain the flame graphs.')
    .command(
      'profile [deployment]',
      'profile a FlinkDeployment: trigger, wait, download, summarise, analyse',
      (y: Argv) =>
        withAnalysisOptions(y)
          .positional('deployment', { type: 'string', describe: 'FlinkDeployment name (also flinkdep/NAME, flinksessionjob/NAME); default FLINK_DEPLOYMENT_NAME' })
          .option('type', { alias: 't', type: 'string', describe: 'CPU, ITIMER, ALLOC, LOCK or WALL (default PROFILER_TYPE, then ITIMER)' })
          .option('duration', { alias: 'd', type: 'number', describe: 'seconds to profile (default PROFILER_DURATION, then 60)' })
          .option('taskmanager', { type: 'string', array: true, describe: 'TaskManager id or pod to profile (repeatable; default: all)' })
          .option('jobmanager', { type: 'boolean', default: false, describe: 'also profile the JobManager (alone when no --taskmanager is given)' })
          .option('output-dir', { type: 'string', default: './squirrly-artifacts', describe: 'where artifacts land, under <namespace>/<deployment>/' })
          .option('search-dirs', { type: 'string', describe: 'pod folders for the exec fallback (default PROFILER_OUTPUT_DIR, then "/tmp /opt/flink/log /opt/flink")' })
          .option('via', { choices: ['port-forward', 'proxy'] as const, default: 'port-forward' as const, describe: 'how to reach the Flink REST API: a port-forward to the JobManager (pods/portforward), or the API server\'s service proxy to <name>-rest (services/proxy)' })
          .option('analysis', { type: 'boolean', default: true, describe: 'analyse the flame graphs once saved (--no-analysis skips it)' })
          .option('open', { type: 'boolean', default: false, describe: 'open the saved flame graphs in the browser' })
          .example('$0 profile sample-job --type ALLOC --duration 30', 'allocation profile of every TaskManager for 30 s'),
      run(async (ctx, a) => {
        const { runProfile } = await import('./commands/profile.ts');
        return runProfile(ctx, {
          ...(typeof a.deployment === 'string' ? { deployment: a.deployment } : {}),
          ...(typeof a.type === 'string' ? { type: a.type } : {}),
          ...(a.duration !== undefined ? { duration: a.duration as number } : {}),
          ...(Array.isArray(a.taskmanager) ? { taskmanager: (a.taskmanager as unknown[]).map(String) } : {}),
          jobmanager: a.jobmanager === true,
          outputDir: String(a.outputDir),
          ...(typeof a.searchDirs === 'string' ? { searchDirs: a.searchDirs } : {}),
          via: String(a.via),
          analysis: a.analysis !== false,
          open: a.open === true,
          analysisArgs: analysisArgs(a),
        });
      }) as never,
    )
    .command(
      'artifacts [deployment]',
      'list past profiling runs and files on the pods; download and analyse them',
      (y: Argv) =>
        withAnalysisOptions(y)
          .positional('deployment', { type: 'string', describe: 'FlinkDeployment name (also flinkdep/NAME, flinksessionjob/NAME); default FLINK_DEPLOYMENT_NAME' })
          .option('download', { type: 'string', array: true, describe: 'download these files (names as listed)' })
          .option('latest', { type: 'boolean', default: false, describe: 'download the newest file of every target' })
          .option('all', { type: 'boolean', default: false, describe: 'download every file' })
          .option('limit', { type: 'number', default: 3, describe: 'newest runs per target in the table (0: all; -o json always lists all)' })
          .option('output-dir', { type: 'string', default: './squirrly-artifacts', describe: 'where downloads land, under <namespace>/<deployment>/' })
          .option('search-dirs', { type: 'string', describe: 'pod folders to scan besides rest.profiling.dir (default PROFILER_OUTPUT_DIR, then "/tmp /opt/flink/log /opt/flink")' })
          .option('analyze', { type: 'boolean', default: false, describe: 'analyse what was downloaded (alone: the newest file of every target)' })
          .option('via', { choices: ['port-forward', 'proxy'] as const, default: 'port-forward' as const, describe: 'how to reach the Flink REST API: a port-forward to the JobManager (pods/portforward), or the API server\'s service proxy to <name>-rest (services/proxy)' })
          .example('$0 artifacts sample-job --latest', 'list the runs and download the newest flame graph of every target'),
      run(async (ctx, a) => {
        const { runArtifacts } = await import('./commands/artifacts.ts');
        return runArtifacts(ctx, {
          ...(typeof a.deployment === 'string' ? { deployment: a.deployment } : {}),
          ...(Array.isArray(a.download) ? { download: (a.download as unknown[]).map(String) } : {}),
          latest: a.latest === true,
          all: a.all === true,
          limit: Number(a.limit),
          outputDir: String(a.outputDir),
          ...(typeof a.searchDirs === 'string' ? { searchDirs: a.searchDirs } : {}),
          analyze: a.analyze === true,
          via: String(a.via),
          analysisArgs: analysisArgs(a),
        });
      }) as never,
    )
    .command(
      'doctor [deployment]',
      'preflight: check what profiling needs and say how to fix what is missing',
      (y: Argv) =>
        y
          .positional('deployment', { type: 'string', describe: 'FlinkDeployment name (also flinkdep/NAME, flinksessionjob/NAME); default FLINK_DEPLOYMENT_NAME' })
          .option('via', { choices: ['port-forward', 'proxy'] as const, default: 'port-forward' as const, describe: 'how to reach the Flink REST API: a port-forward to the JobManager (pods/portforward), or the API server\'s service proxy to <name>-rest (services/proxy)' })
          .example('$0 doctor sample-job', 'check access, the deployment, Flink and the profiler routes'),
      run(async (ctx, a) => {
        const { runDoctor } = await import('./commands/doctor.ts');
        return runDoctor(ctx, { ...(typeof a.deployment === 'string' ? { deployment: a.deployment } : {}), via: String(a.via) });
      }) as never,
    )
    .command(
      'analyze <files..>',
      'summarise and analyse local flame graphs (works offline with --provider builtin)',
      (y: Argv) =>
        withAnalysisOptions(y)
          .positional('files', { type: 'string', array: true, describe: 'flame graph .html files; several give one combined analysis' })
          .example('$0 analyze squirrly-artifacts/prod/job/*.html --provider builtin', 'compare TaskManagers offline'),
      run(async (ctx, a) => {
        const { runAnalyze } = await import('./commands/analyze.ts');
        return runAnalyze(ctx, Array.isArray(a.files) ? (a.files as unknown[]).map(String) : [], analysisArgs(a));
      }) as never,
    )
    .command('version', 'print the version', {}, run(async (ctx) => {
      const { VERSION } = await import('../version.ts');
      ctx.stdout.write(ctx.options.output === 'json' ? JSON.stringify({ version: VERSION }) + '\n' : `kubectl-squirrly ${VERSION}\n`);
      return ExitCode.ok;
    }) as never)
    .command('__complete', false, (y: Argv) => y.strict(false), run(async (ctx) => {
      const { complete } = await import('./commands/complete.ts');
      ctx.stdout.write(complete(argv.slice(argv.indexOf('__complete') + 1)));
      return ExitCode.ok;
    }) as never)
    .demandCommand(1, 'name a command: profile, artifacts, analyze, doctor or version')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message: string | undefined, err: Error | undefined) => {
      if (err) throw err;
      throw new UsageError(message ?? 'invalid arguments', `see: ${commandName()} --help`);
    });

  await parser.parseAsync();
  return exitCode;
}
