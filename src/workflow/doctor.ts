// Use case: preflight. One result per check, each failure with its fix. A failed check
// does not stop the run: later checks that still make sense run, the ones that depend on it "skip".
import { selectProvider } from '../analysis/select-provider.ts';
import { SquirrlyError } from '../errors.ts';
import { configBoolean } from '../flink/configuration.ts';
import { parseFlinkVersion, supportsProfiler } from '../flink/version.ts';
import type { Cluster, FlinkDeploymentObject } from '../kube/cluster.ts';
import { credentialCheck, inClusterDetail } from './doctor-credentials.ts';
import { deploymentFacts, enableProfilingPatch, type DeploymentFacts } from './deployment-checks.ts';
import { PERMISSIONS, bindCommand, permissionText, roleYaml, type Permission } from './doctor-rbac.ts';
import { findFlinkPods } from './flink-pods.ts';
import { parseDeploymentRef, resolveDeployment } from './resolve-deployment.ts';
import type { CheckStatus, Emit } from './events.ts';
import { flinkTooOld } from './flink-problems.ts';
import { openFlinkSession, type FlinkSession } from './flink-session.ts';
import type { RestTlsFlags } from '../flink/rest-tls.ts';
import type { RestVia } from './rest-transport.ts';

export type { CheckStatus };

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  deployment?: string;
  namespace?: string;
  context?: string;
  checks: CheckResult[];
  /** the Role granting the missing permissions, and how to bind it */
  role?: { yaml: string; bind: string };
  /** everything `profile` needs passed */
  ok: boolean;
}

export interface DoctorOptions {
  deployment?: string;
  connect: () => Promise<Cluster>;
  env: NodeJS.ProcessEnv;
  /** how `profile` will reach the Flink REST API; default port-forward */
  via?: RestVia;
  /** the --flink-* TLS flags */
  tls?: RestTlsFlags;
}

/** Runs every check; each result is also emitted as a `check` event as soon as it is known. */
export async function runDoctor(options: DoctorOptions, emit: Emit = () => {}): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const add = (id: string, title: string, status: CheckStatus, detail: string, fix?: string): CheckStatus => {
    checks.push({ id, title, status, detail, ...(fix ? { fix } : {}) });
    emit({ type: 'check', id, title, status, detail });
    return status;
  };
  const report: DoctorReport = { checks, ok: false };
  await clusterChecks(options, report, add);
  analysisCheck(options.env, add);
  report.ok = !checks.some((c) => c.status === 'fail');
  return report;
}

type Add = (id: string, title: string, status: CheckStatus, detail: string, fix?: string) => CheckStatus;

const CLUSTER_CHECKS: Array<[string, string]> = [
  ['credentials', 'credentials'],
  ['api', 'API server'],
  ['rbac', 'RBAC'],
  ['deployment', 'FlinkDeployment'],
  ['operator', 'operator status'],
  ['flink-version', 'Flink version'],
  ['profiling', 'profiling enabled'],
  ['rest', 'Flink REST'],
  ['profiler-routes', 'profiler routes'],
];

function skipFrom(add: Add, fromId: string, why: string): void {
  const start = CLUSTER_CHECKS.findIndex(([id]) => id === fromId);
  for (const [id, title] of CLUSTER_CHECKS.slice(start)) add(id, title, 'skip', why);
}

async function clusterChecks(options: DoctorOptions, report: DoctorReport, add: Add): Promise<void> {
  let cluster: Cluster;
  try {
    cluster = await options.connect();
  } catch (err) {
    add('kubeconfig', 'kubeconfig', 'fail', messageOf(err), hintOf(err) ?? 'check it with: kubectl config view --minify');
    return skipFrom(add, 'credentials', 'needs a working kubeconfig');
  }
  const { namespace } = cluster;
  const { name: contextName, server, files, proxy } = cluster.context;
  Object.assign(report, { context: contextName, namespace });
  const inCluster = cluster.context.inCluster;
  add('kubeconfig', 'kubeconfig', 'pass', inCluster ? inClusterDetail(inCluster, namespace) : `context ${contextName}, namespace ${namespace} (${files.join(', ')})`);
  const credentials = cluster.context.credentials;
  if (credentials) {
    const { status, detail, fix } = credentialCheck(credentials);
    add('credentials', 'credentials', status, detail, fix);
  }

  const route = proxy ? ` through the proxy ${proxy.url} (${proxy.source})` : '';
  try {
    add('api', 'API server', 'pass', `${server} answers${route} (Kubernetes ${await cluster.serverVersion()})`);
  } catch (err) {
    add('api', 'API server', 'fail', `${messageOf(err)}${route}`, hintOf(err));
    return skipFrom(add, 'rbac', 'needs the API server');
  }

  const via = options.via ?? 'port-forward';
  const denied = await rbacChecks(cluster, add, via);
  if (denied.length > 0) report.role = { yaml: roleYaml(denied, namespace), bind: bindCommand(namespace) };
  const deniedText = new Set(denied.map(permissionText));

  if (!options.deployment) {
    add('deployment', 'FlinkDeployment', 'fail', 'no FlinkDeployment given', 'name it: kubectl squirrly doctor NAME (or set FLINK_DEPLOYMENT_NAME)');
    return skipFrom(add, 'operator', 'needs a FlinkDeployment');
  }
  if (deniedText.has('get flinkdeployments')) return skipFrom(add, 'deployment', 'needs get flinkdeployments');
  let facts: DeploymentFacts;
  let object: FlinkDeploymentObject;
  try {
    const found = await resolveDeployment(cluster, parseDeploymentRef(options.deployment));
    object = found.object;
    facts = deploymentFacts(object, found.name, namespace);
    report.deployment = found.name;
    add('deployment', 'FlinkDeployment', 'pass', `${found.name}: ${facts.session ? 'session cluster' : 'application'}, ${facts.mode} mode`);
  } catch (err) {
    add('deployment', 'FlinkDeployment', 'fail', messageOf(err), hintOf(err));
    return skipFrom(add, 'operator', 'needs the FlinkDeployment');
  }

  const operatorOk = operatorCheck(object, facts, add) === 'pass';
  const versionOk = versionCheck(facts, add) !== 'fail';
  const profilingOk = configBoolean(object.spec?.flinkConfiguration, 'rest.profiling.enabled') === true;
  if (profilingOk) add('profiling', 'profiling enabled', 'pass', 'rest.profiling.enabled is "true"');
  else add('profiling', 'profiling enabled', 'fail', `rest.profiling.enabled is not "true" on ${facts.name}`, `enable it (the operator restarts the JobManager): ${enableProfilingPatch(facts.name, namespace)}`);

  const missing = ['list pods', ...(via === 'proxy' ? ['get services/proxy'] : via === 'direct' ? [] : ['get pods/portforward', 'create pods/portforward'])].filter((p) => deniedText.has(p));
  if (missing.length > 0) return skipFrom(add, 'rest', `needs ${missing.join(' and ')}`);
  if (!operatorOk) return skipFrom(add, 'rest', 'needs a ready JobManager');
  await restChecks(cluster, facts, versionOk && profilingOk, add, via, options.tls);
}

/**
 * With --via proxy, services/proxy (GET and POST) replaces pods/portforward as the required way in;
 * with --via direct the pod's own network is the way in, so no permission replaces it.
 */
export function permissionsFor(via: RestVia): readonly Permission[] {
  if (via === 'port-forward') return PERMISSIONS;
  const optionalForward = PERMISSIONS.map((p) => (p.subresource === 'portforward' ? { ...p, required: false, usedFor: 'reach the Flink REST API with --via port-forward' } : p));
  if (via === 'direct') return optionalForward;
  return [
    ...optionalForward,
    { verb: 'get', group: '', resource: 'services', subresource: 'proxy', required: true, usedFor: 'read the Flink REST API through the service proxy (--via proxy)' },
    { verb: 'create', group: '', resource: 'services', subresource: 'proxy', required: true, usedFor: 'trigger profiling through the service proxy (--via proxy)' },
  ];
}

async function rbacChecks(cluster: Cluster, add: Add, via: RestVia): Promise<Permission[]> {
  const denied: Permission[] = [];
  for (const p of permissionsFor(via)) {
    const title = `RBAC ${permissionText(p)}`;
    try {
      const answer = await cluster.canI(p);
      if (answer.allowed) add(`rbac:${permissionText(p)}`, title, 'pass', `allowed (${p.usedFor})`);
      else {
        denied.push(p);
        const consequence = p.required ? 'profile cannot work without it' : `without it the plugin cannot ${p.usedFor}`;
        add(`rbac:${permissionText(p)}`, title, p.required ? 'fail' : 'warn', `denied in namespace ${cluster.namespace}: ${consequence}`, 'apply the Role printed below (krew/rbac.yaml has the complete one) and bind it to your user');
      }
    } catch (err) {
      add(`rbac:${permissionText(p)}`, title, 'warn', `cannot ask the API server (SelfSubjectAccessReview): ${messageOf(err)}`);
    }
  }
  return denied;
}

function operatorCheck(obj: FlinkDeploymentObject, facts: DeploymentFacts, add: Add): CheckStatus {
  const { name, namespace } = facts;
  const status = obj.status ?? {};
  const jm = status.jobManagerDeploymentStatus ?? 'MISSING';
  const summary = `lifecycleState ${status.lifecycleState ?? '?'}, JobManager ${jm}${facts.session ? '' : `, job ${facts.jobState ?? 'unknown'}`}`;
  const error = status.error ? `; operator error: ${status.error.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  if (jm !== 'READY') {
    return add('operator', 'operator status', 'fail', summary + error, `wait until the JobManager is READY (kubectl get flinkdeployment ${name} -n ${namespace} -w), or look: kubectl describe flinkdeployment ${name} -n ${namespace}`);
  }
  if (!facts.session && facts.jobState !== 'RUNNING') {
    return add('operator', 'operator status', 'fail', `${summary}: there is no running job to profile${error}`, `check the job: kubectl get flinkdeployment ${name} -n ${namespace} -o jsonpath='{.status.jobStatus}'`);
  }
  return add('operator', 'operator status', error ? 'warn' : 'pass', summary + error);
}

function versionCheck(facts: DeploymentFacts, add: Add): CheckStatus {
  const version = parseFlinkVersion(facts.flinkVersion);
  if (!version) return add('flink-version', 'Flink version', 'warn', 'the Flink version is not reported (status.clusterInfo, spec.flinkVersion); the profiler needs 1.19+');
  if (!supportsProfiler(version)) {
    const problem = flinkTooOld(facts.name, version.text);
    return add('flink-version', 'Flink version', 'fail', problem.message, problem.hint);
  }
  return add('flink-version', 'Flink version', 'pass', `${version.text} (the profiler needs 1.19+)`);
}

async function restChecks(cluster: Cluster, facts: DeploymentFacts, profilerExpected: boolean, add: Add, via: RestVia = 'port-forward', tls?: RestTlsFlags): Promise<void> {
  let session: FlinkSession;
  let leaderNote = '';
  try {
    const pods = await findFlinkPods(cluster, facts.name);
    if (pods.jobManagerNote) leaderNote = `; ${pods.jobManagerNote}`;
    session = await openFlinkSession(cluster, { facts, via, jobManagerPod: pods.jobManager.name, attempts: 1, ...(tls ? { tls } : {}) });
  } catch (err) {
    add('rest', 'Flink REST', 'fail', messageOf(err), hintOf(err));
    return void add('profiler-routes', 'profiler routes', 'skip', 'needs the Flink REST API');
  }
  try {
    add('rest', 'Flink REST', 'pass', `reachable through ${session.transport.route} (Flink ${session.flinkVersion ?? '?'})${leaderNote}`);
    if (!profilerExpected) return void add('profiler-routes', 'profiler routes', 'skip', 'needs Flink 1.19+ with rest.profiling.enabled');
    if (session.profilerProblem) return void add('profiler-routes', 'profiler routes', 'fail', session.profilerProblem.message, session.profilerProblem.hint);
    add('profiler-routes', 'profiler routes', 'pass', `present (${session.jobManagerRuns?.length ?? 0} run(s) in the JobManager's history)`);
  } finally {
    await session.close();
  }
}

function analysisCheck(env: NodeJS.ProcessEnv, add: Add): void {
  try {
    const selection = selectProvider({ env });
    if (selection.fallback) add('analysis', 'analysis provider', 'warn', `builtin: ${selection.fallback.reason.message}`, selection.fallback.reason.hint);
    else if (selection.provider === 'openai') add('analysis', 'analysis provider', 'pass', 'openai (OPENAI_API_KEY is set)');
    else if (selection.provider === 'none') add('analysis', 'analysis provider', 'warn', 'none: API_PROVIDER=none turns analysis off; flame graphs are still saved and summarised');
    else add('analysis', 'analysis provider', 'warn', 'builtin: rule-based findings only', 'for a model-written analysis export OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)');
  } catch (err) {
    add('analysis', 'analysis provider', 'fail', messageOf(err), hintOf(err));
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hintOf(err: unknown): string | undefined {
  return err instanceof SquirrlyError ? err.hint : undefined;
}
