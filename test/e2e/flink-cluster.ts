// Starts a real Flink session cluster from Maven Central jars: one JobManager and N TaskManagers
// as separate JVMs on loopback, with the profiler REST API enabled, and submits ClickJob (or another
// job of test/e2e/flink through its submitter main).
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlink, type FlinkProfile, type FlinkBuild } from './support/maven.ts';
import { startGroup, tail, type GroupProcess } from './support/processes.ts';
import { freePorts } from './support/ports.ts';

export type { FlinkProfile } from './support/maven.ts';

export interface RealFlinkOptions {
  flinkProfile: FlinkProfile;
  /** rest.profiling.dir of the JobManager */
  jobManagerProfilingDir: string;
  /** one TaskManager per entry; resourceId becomes taskmanager.resource-id (native mode: the pod name) */
  taskManagers: Array<{ resourceId: string; profilingDir: string }>;
  /** default: a free port */
  restPort?: number;
  /** load of the generated source; default 20000 records/s over the whole job */
  recordsPerSecond?: number;
  /** how long to wait for the job to be RUNNING; default 240 s */
  startTimeoutMs?: number;
  /** extra config.yaml entries */
  extraConfig?: Record<string, string | number | boolean>;
  /** task slots per TaskManager; default 2 */
  slotsPerTaskManager?: number;
  /** default: every slot */
  parallelism?: number;
  /**
   * The submitter main and its arguments after `host restPort jobJar parallelism`;
   * default squirrly.e2e.Submit with the records per second (ClickJob)
   */
  job?: { mainClass: string; args: string[] };
}

export interface RealFlink {
  restUrl: string;
  restPort: number;
  jobId: string;
  /** the version the cluster reports in GET /config */
  flinkVersion: string;
  /** folder with config.yaml and every process's log */
  workDir: string;
  processes: GroupProcess[];
  /** the last lines of every process log */
  logTails(lines?: number): string;
  /** stops every process started here; safe to call twice; removes workDir unless keepLogs */
  stop(opts?: { keepLogs?: boolean }): Promise<void>;
}

// What flink-dist's default config passes to every JVM on Java 17 (env.java.opts.all).
export const JDK17_OPTS = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.text=ALL-UNNAMED',
  '--add-opens=java.base/java.time=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED',
];

const DEFAULT_SLOTS_PER_TM = 2;

const LOG4J = `rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.akka.name = akka
logger.akka.level = WARN
logger.netty.name = org.apache.flink.shaded.netty4
logger.netty.level = WARN
`;

function yamlValue(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function configYaml(restPort: number, rpcPort: number, slots: number, extra: Record<string, string | number | boolean>): string {
  // Memory: the machine has 2 cores and several JVMs; keep every process at 1 GiB.
  const entries: Record<string, string | number | boolean> = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': rpcPort,
    'jobmanager.bind-host': '127.0.0.1',
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': restPort,
    'rest.profiling.enabled': true,
    'jobmanager.memory.process.size': '1g',
    'taskmanager.memory.process.size': '1g',
    'taskmanager.memory.managed.size': '64m',
    'taskmanager.numberOfTaskSlots': slots,
    // spread the job over every TaskManager so each profile shows user code
    'cluster.evenly-spread-out-slots': true,
    'blob.server.port': '0',
    'metrics.internal.query-service.port': '0',
    ...extra,
  };
  return Object.entries(entries)
    .map(([k, v]) => `${k}: ${yamlValue(v)}`)
    .join('\n') + '\n';
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the cluster and the job; on any failure everything started is stopped and the logs are in the error. */
export async function startRealFlink(opts: RealFlinkOptions): Promise<RealFlink> {
  const build = await buildFlink(opts.flinkProfile);
  const workDir = mkdtempSync(join(tmpdir(), `real-flink-${opts.flinkProfile}-`));
  const [freeRest, rpcPort] = await freePorts(2);
  const restPort = opts.restPort ?? freeRest!;
  const restUrl = `http://127.0.0.1:${restPort}`;
  const confDir = join(workDir, 'conf');
  mkdirSync(confDir);
  // Flink does not create rest.profiling.dir: a missing folder fails every run at stop with
  // "Stop profiler failed. java.io.IOException: No such file or directory". A pod's /tmp always exists.
  for (const dir of [opts.jobManagerProfilingDir, ...opts.taskManagers.map((t) => t.profilingDir)]) {
    mkdirSync(dir, { recursive: true });
  }
  const slots = opts.slotsPerTaskManager ?? DEFAULT_SLOTS_PER_TM;
  writeFileSync(join(confDir, 'config.yaml'), configYaml(restPort, rpcPort!, slots, opts.extraConfig ?? {}));
  writeFileSync(join(confDir, 'log4j2.properties'), LOG4J);

  const processes: GroupProcess[] = [];
  let stopped = false;
  const logTails = (lines = 40) =>
    processes.map((p) => `----- ${p.name} (${p.logFile}) -----\n${tail(p.logFile, lines)}`).join('\n');
  const stop = async (stopOpts: { keepLogs?: boolean } = {}) => {
    if (!stopped) {
      stopped = true;
      await Promise.all(processes.map((p) => p.stop()));
    }
    if (!stopOpts.keepLogs) rmSync(workDir, { recursive: true, force: true });
  };

  const java = (name: string, mainClass: string, resources: ResourceParams, dynamic: Record<string, string>) => {
    const ioTmp = join(workDir, `io-${name}`);
    mkdirSync(ioTmp);
    const argv = [
      'java',
      ...resources.jvmArgs,
      `-Dlog4j.configurationFile=${join(confDir, 'log4j2.properties')}`,
      ...JDK17_OPTS,
      '-cp',
      build.classpath,
      mainClass,
      '--configDir',
      confDir,
      ...resources.dynamicArgs,
      '-D',
      `io.tmp.dirs=${ioTmp}`,
      ...Object.entries(dynamic).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    ];
    const p = startGroup(name, argv, { logFile: join(workDir, `${name}.log`), cwd: workDir });
    processes.push(p);
    return p;
  };

  try {
    const [jmResources, tmResources] = await Promise.all([
      resourceParams(build, confDir, 'GET_JM_RESOURCE_PARAMS'),
      resourceParams(build, confDir, 'GET_TM_RESOURCE_PARAMS'),
    ]);
    java('jobmanager', 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', jmResources, {
      'rest.profiling.dir': opts.jobManagerProfilingDir,
    });
    for (const tm of opts.taskManagers) {
      java(`taskmanager-${tm.resourceId}`, 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', tmResources, {
        'taskmanager.resource-id': tm.resourceId,
        'rest.profiling.dir': tm.profilingDir,
      });
    }
    const deadline = Date.now() + (opts.startTimeoutMs ?? 240_000);
    const flinkVersion = await waitFor(deadline, processes, 'all TaskManagers registered', async () => {
      const tms = (await getJson(`${restUrl}/taskmanagers`)) as { taskmanagers: Array<{ id: string }> };
      if (tms.taskmanagers.length < opts.taskManagers.length) return undefined;
      const config = (await getJson(`${restUrl}/config`)) as { 'flink-version': string };
      return config['flink-version'];
    });
    const job = opts.job ?? { mainClass: 'squirrly.e2e.Submit', args: [String(opts.recordsPerSecond ?? 20000)] };
    const jobId = await submit(build, workDir, restPort, opts.parallelism ?? opts.taskManagers.length * slots, job, processes);
    await waitFor(deadline, processes, `job ${jobId} RUNNING with all tasks running`, async () => {
      const overview = (await getJson(`${restUrl}/jobs/overview`)) as {
        jobs: Array<{ jid: string; state: string; tasks: { total: number; running: number } }>;
      };
      const job = overview.jobs.find((j) => j.jid === jobId);
      if (job === undefined) return undefined;
      if (job.state === 'FAILED' || job.state === 'CANCELED' || job.state === 'FINISHED') {
        throw new Error(`job ${jobId} ended ${job.state}`);
      }
      return job.state === 'RUNNING' && job.tasks.running === job.tasks.total ? true : undefined;
    });
    return { restUrl, restPort, jobId, flinkVersion, workDir, processes, logTails, stop };
  } catch (err) {
    const message = `${(err as Error).message}\n${logTails()}`;
    await stop();
    throw new Error(message, { cause: err });
  }
}

interface ResourceParams {
  jvmArgs: string[];
  dynamicArgs: string[];
}

/**
 * The JVM flags and derived memory options that Flink's start scripts compute with BashJavaUtils:
 * TaskManagerRunner refuses to start without them (e.g. taskmanager.cpu.cores).
 */
async function resourceParams(
  build: FlinkBuild,
  confDir: string,
  command: 'GET_JM_RESOURCE_PARAMS' | 'GET_TM_RESOURCE_PARAMS',
): Promise<ResourceParams> {
  const { stdout } = await promisify(execFile)(
    'java',
    ['-cp', build.classpath, 'org.apache.flink.runtime.util.bash.BashJavaUtils', command, '--configDir', confDir],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const results = stdout
    .split('\n')
    .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (results.length < 2) throw new Error(`BashJavaUtils ${command} printed no result:\n${stdout}`);
  return { jvmArgs: results[0]!.split(/\s+/), dynamicArgs: results[1]!.split(/\s+/) };
}

/** Polls probe every 500 ms until it returns a value; fails early when a cluster process exits. */
async function waitFor<T>(
  deadline: number,
  processes: GroupProcess[],
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  let lastError = '';
  while (Date.now() < deadline) {
    // helpers such as the submitter exit by design; cluster JVMs must not
    const dead = processes.find((p) => p.hasExited() && p.name !== 'submit');
    if (dead !== undefined) throw new Error(`${dead.name} exited while waiting for ${what}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if ((err as Error).message.startsWith('job ')) throw err;
      lastError = (err as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
}

/** Runs a submitter main (a REST client) and returns the job id it prints. */
async function submit(
  build: FlinkBuild,
  workDir: string,
  restPort: number,
  parallelism: number,
  job: { mainClass: string; args: string[] },
  cluster: GroupProcess[],
): Promise<string> {
  const logFile = join(workDir, 'submit.log');
  const p = startGroup(
    'submit',
    [
      'java',
      '-Xmx256m',
      `-Dlog4j.configurationFile=${join(workDir, 'conf', 'log4j2.properties')}`,
      ...JDK17_OPTS,
      '-cp',
      `${build.jobJar}:${build.classpath}`,
      job.mainClass,
      '127.0.0.1',
      String(restPort),
      build.jobJar,
      String(parallelism),
      ...job.args,
    ],
    { logFile, cwd: workDir },
  );
  cluster.push(p);
  const code = await p.exited;
  const match = /JOB_ID=([0-9a-f]{32})/.exec(tail(logFile, 200));
  if (code !== 0 || match?.[1] === undefined) throw new Error(`job submission failed (exit ${code})`);
  return match[1];
}
