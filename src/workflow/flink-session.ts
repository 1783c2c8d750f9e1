// One open connection to a deployment's Flink REST API, shared by profile, artifacts and doctor:
// opens the transport, reads /config, /overview, /jobs/overview and /taskmanagers, gates the
// version and looks for the profiler routes. The open client stays usable for the caller's own
// requests (triggers, histories, job metrics) until `close()`.
import { ByteCapError } from '../byte-cap.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import { listProfiling } from '../flink/profiler-api.ts';
import { FlinkRestClient, FlinkRestError, TransportError } from '../flink/rest-client.ts';
import { hasTlsFlags, readRestTls, speaksTls, type RestTlsFlags } from '../flink/rest-tls.ts';
import type { ClusterOverview, DashboardConfig, JobDetails, ProfilingInfo, TaskManagerInfo } from '../flink/types.ts';
import { parseFlinkVersion, supportsProfiler } from '../flink/version.ts';
import type { Cluster } from '../kube/cluster.ts';
import type { DeploymentFacts } from './deployment-checks.ts';
import { flinkTooOld, flinkUnreachable, profilerRoutesMissing, restPortSpeaksTls } from './flink-problems.ts';
import { openRestTransport, restServiceNames, type RestTransport, type RestVia } from './rest-transport.ts';

export interface FlinkSessionRequest {
  facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort' | 'flinkVersion' | 'restTls'>;
  via: RestVia;
  /** the --flink-* TLS flags; TLS is used when the deployment declares it or any of them is given */
  tls?: RestTlsFlags;
  jobManagerPod: string;
  /** attempts for each GET, including the first; default the client's */
  attempts?: number;
  signal?: AbortSignal;
}

export interface FlinkSession {
  readonly transport: RestTransport;
  readonly client: FlinkRestClient;
  /** what /config reports, else what the deployment declares */
  readonly flinkVersion?: string;
  readonly overview: ClusterOverview;
  readonly jobs: JobDetails[];
  readonly taskManagers: TaskManagerInfo[];
  /** the JobManager's run history; undefined when the profiler routes cannot be used */
  readonly jobManagerRuns?: ProfilingInfo[];
  /** why profiling cannot work on this cluster (Flink too old, routes missing); undefined when it can */
  readonly profilerProblem?: SquirrlyError;
  close(): Promise<void>;
}

/**
 * Throws when the transport cannot open (with its own message and fix) or Flink does not answer
 * /config through it (flinkUnreachable); the transport is closed whenever this throws.
 */
export async function openFlinkSession(cluster: Cluster, request: FlinkSessionRequest): Promise<FlinkSession> {
  const { facts, jobManagerPod, signal } = request;
  const tls = facts.restTls || hasTlsFlags(request.tls) ? await readRestTls(request.tls ?? {}, restServiceNames(facts)) : undefined;
  const transport = await openRestTransport(cluster, facts, request.via, jobManagerPod, tls);
  try {
    const client = new FlinkRestClient(transport.baseUrl, {
      timeoutMs: cluster.timeoutMs,
      ...(request.attempts !== undefined ? { attempts: request.attempts } : {}),
      ...(signal ? { signal } : {}),
    });
    let config: DashboardConfig;
    try {
      config = await client.get<DashboardConfig>('/config');
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      // Flink answered (too slowly, or too much): the tunnel works, so its diagnosis would mislead
      if ((err instanceof TransportError && err.phase === 'body') || err instanceof ByteCapError) throw err;
      if (!tls && (await answersTls(cluster, request, transport, err))) throw restPortSpeaksTls(facts);
      throw flinkUnreachable(facts, transport.route, jobManagerPod, await transport.diagnose(), err);
    }
    const flinkVersion = config['flink-version'] ?? facts.flinkVersion;
    const [overview, jobs, taskManagers] = await Promise.all([
      client.get<ClusterOverview>('/overview'),
      client.get<{ jobs?: JobDetails[] }>('/jobs/overview').then((body) => (Array.isArray(body?.jobs) ? body.jobs : [])),
      client.get<{ taskmanagers?: TaskManagerInfo[] }>('/taskmanagers').then((body) => (Array.isArray(body?.taskmanagers) ? body.taskmanagers : [])),
    ]);
    const routes = await profilerRoutes(client, facts, jobManagerPod, flinkVersion);
    return {
      transport,
      client,
      ...(flinkVersion ? { flinkVersion } : {}),
      overview: overview ?? {},
      jobs,
      taskManagers,
      ...routes,
      close: () => transport.close(),
    };
  } catch (err) {
    await transport.close();
    throw err;
  }
}

/**
 * After plain HTTP failed: does the REST port speak TLS? Through a port-forward a TLS handshake
 * (or directly) tells; through the services proxy, the same request with `https:` does.
 */
async function answersTls(cluster: Cluster, request: FlinkSessionRequest, transport: RestTransport, err: unknown): Promise<boolean> {
  const probeMs = cluster.timeoutMs > 0 ? Math.min(cluster.timeoutMs, 5000) : 5000;
  if (transport.via !== 'proxy') return err instanceof TransportError && speaksTls(transport.baseUrl, probeMs);
  if (!(err instanceof TransportError || (err instanceof FlinkRestError && err.status >= 500))) return false;
  let probe: RestTransport | undefined;
  try {
    probe = await openRestTransport(cluster, request.facts, 'proxy', request.jobManagerPod, { insecureSkipVerify: true, serverNames: [] });
    const res = await fetch(`${probe.baseUrl}/config`, { signal: AbortSignal.timeout(probeMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  } finally {
    await probe?.close();
  }
}

async function profilerRoutes(
  client: FlinkRestClient,
  facts: FlinkSessionRequest['facts'],
  jobManagerPod: string,
  flinkVersion: string | undefined,
): Promise<{ jobManagerRuns: ProfilingInfo[] } | { profilerProblem: SquirrlyError }> {
  const version = parseFlinkVersion(flinkVersion);
  if (version && !supportsProfiler(version)) return { profilerProblem: flinkTooOld(facts.name, version.text) };
  try {
    return { jobManagerRuns: await listProfiling(client, { kind: 'jobmanager' }) };
  } catch (err) {
    if (err instanceof FlinkRestError && err.status === 404) return { profilerProblem: profilerRoutesMissing(facts, jobManagerPod) };
    throw err;
  }
}
