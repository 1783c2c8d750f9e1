// The Cluster port on a real API server through client-node: every call bounded by the request
// timeout and mapped to a SquirrlyError that names the missing permission or the unreachable
// server. The only place that holds a KubeConfig once it is loaded.
import type { Writable } from 'node:stream';
import { SquirrlyError } from '../errors.ts';
import { KubeApiError, statusCode, toKubeError, type KubeAction } from './api-errors.ts';
import type {
  AccessAnswer,
  AccessCheck,
  ApplyOutcome,
  Cluster,
  ClusterContext,
  ConfigMapRecord,
  CronJobRecord,
  ExecOptions,
  ExecResult,
  FlinkDeploymentObject,
  FlinkSessionJobObject,
  JobRecord,
  ManifestKind,
  ManifestObject,
  PodRecord,
  ServicePort,
  Tunnel,
} from './cluster.ts';
import { FLINK_GROUP, FLINK_VERSION } from './cluster.ts';
import type { ConfigurationOptions, V1CronJob, V1Job, V1Pod } from './client-node.ts';
import { execInPod } from './exec.ts';
import { objectApi } from './object-apis.ts';
import { loadKubeconfig, type KubeconfigOptions, type LoadedKubeconfig } from './kubeconfig.ts';
import { applyNetworkSettings, type ProxyInUse } from './network.ts';
import { openPortForward, type LocalTunnel, type RefusedUpgrade } from './port-forward.ts';
import { withCredential } from './request-credential.ts';
import { openServiceProxy } from './service-proxy.ts';
import { boundedCall } from './timeout.ts';

/** The container the operator gives Flink in every JobManager and TaskManager pod: all exec goes there. */
export const FLINK_MAIN_CONTAINER = 'flink-main-container';

/** Loads the kubeconfig with kubectl's rules and connects to its current context. */
export async function connectCluster(options: KubeconfigOptions & { timeoutMs: number; signal?: AbortSignal }): Promise<KubeCluster> {
  const config = await loadKubeconfig(options);
  const proxy = applyNetworkSettings(config, options.env);
  return new KubeCluster(config, options.timeoutMs, proxy, options.signal);
}

export class KubeCluster implements Cluster {
  readonly #config: LoadedKubeconfig;
  readonly timeoutMs: number;
  readonly context: ClusterContext;
  /** the command's interrupt: every call and stream stops at once when it aborts */
  readonly #signal: AbortSignal | undefined;
  constructor(config: LoadedKubeconfig, timeoutMs: number, proxy?: ProxyInUse, signal?: AbortSignal) {
    this.#config = config;
    this.timeoutMs = timeoutMs;
    this.#signal = signal;
    this.context = { name: config.contextName, server: config.server, files: config.files, credentials: config.credentialSummary, ...(proxy ? { proxy } : {}), ...(config.inCluster ? { inCluster: config.inCluster } : {}) };
  }

  get namespace(): string {
    return this.#config.namespace;
  }

  private async call<T>(action: Omit<KubeAction, 'server'>, work: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    const full = { ...action, server: this.#config.server };
    const { credentials } = this.#config;
    const what = `${action.verb} ${action.resource} on ${this.#config.server}`;
    const limits = { timeoutMs: this.timeoutMs, ...(this.#signal ? { signal: this.#signal } : {}) };
    for (let attempt = 1; ; attempt++) {
      // A login through the credential helper may take minutes: it runs before the request's deadline starts.
      const credential = await credentials.current();
      try {
        return await withCredential(credential, () => boundedCall(what, limits, work));
      } catch (err) {
        // client-go runs the helper again after a 401; one fresh credential gets one more try
        if (attempt === 1 && statusCode(err) === 401 && credentials.rejected(credential)) continue;
        const missingUser = this.#config.credentialSummary.missingUser;
        if (statusCode(err) === 401 && missingUser !== undefined) throw userNotDefined(this.#config, missingUser);
        throw toKubeError(err, full);
      }
    }
  }

  getFlinkDeployment(name: string, namespace = this.namespace): Promise<FlinkDeploymentObject | undefined> {
    return this.getFlinkObject<FlinkDeploymentObject>('flinkdeployments', name, namespace);
  }

  async listFlinkDeployments(namespace = this.namespace): Promise<FlinkDeploymentObject[]> {
    const { CustomObjectsApi } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CustomObjectsApi);
    const list = (await this.call({ verb: 'list', resource: 'flinkdeployments', namespace }, (options) =>
      api.listNamespacedCustomObject({ group: FLINK_GROUP, version: FLINK_VERSION, namespace, plural: 'flinkdeployments' }, options),
    )) as { items?: FlinkDeploymentObject[] };
    return list.items ?? [];
  }

  getFlinkSessionJob(name: string, namespace = this.namespace): Promise<FlinkSessionJobObject | undefined> {
    return this.getFlinkObject<FlinkSessionJobObject>('flinksessionjobs', name, namespace);
  }

  /** A flink.apache.org object by name; undefined when it does not exist. */
  private async getFlinkObject<T>(plural: string, name: string, namespace: string): Promise<T | undefined> {
    const { CustomObjectsApi } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CustomObjectsApi);
    try {
      return await this.call({ verb: 'get', resource: plural, namespace, name }, (options) =>
        api.getNamespacedCustomObject({ group: FLINK_GROUP, version: FLINK_VERSION, namespace, plural, name }, options),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async namespaceExists(namespace: string): Promise<boolean | undefined> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CoreV1Api);
    try {
      await this.call({ verb: 'get', resource: 'namespaces', name: namespace }, (options) => api.readNamespace({ name: namespace }, options));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      return undefined; // not allowed to look: unknown
    }
  }

  async listPods(labelSelector: string, namespace = this.namespace): Promise<PodRecord[]> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CoreV1Api);
    const list = await this.call({ verb: 'list', resource: 'pods', namespace }, (options) => api.listNamespacedPod({ namespace, labelSelector }, options));
    return list.items.flatMap((pod) => {
      const record = toPodRecord(pod);
      return record ? [record] : [];
    });
  }

  async getServicePorts(name: string, namespace = this.namespace): Promise<ServicePort[] | undefined> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CoreV1Api);
    try {
      const service = await this.call({ verb: 'get', resource: 'services', namespace, name }, (options) => api.readNamespacedService({ name, namespace }, options));
      return (service.spec?.ports ?? []).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort as number | string } : {}),
      }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async getConfigMap(name: string, namespace = this.namespace): Promise<ConfigMapRecord | undefined> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(CoreV1Api);
    try {
      const map = await this.call({ verb: 'get', resource: 'configmaps', namespace, name }, (options) => api.readNamespacedConfigMap({ name, namespace }, options));
      return { data: { ...(map.data ?? {}) }, annotations: { ...(map.metadata?.annotations ?? {}) } };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async canI(check: AccessCheck, namespace = this.namespace): Promise<AccessAnswer> {
    const { AuthorizationV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(AuthorizationV1Api);
    const review = await this.call({ verb: 'create', resource: 'selfsubjectaccessreviews' }, (options) =>
      api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb: check.verb, group: check.group, resource: check.resource, ...(check.subresource ? { subresource: check.subresource } : {}) } },
        },
      }, options),
    );
    return { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
  }

  async applyObject(object: ManifestObject, fieldManager: string): Promise<ApplyOutcome> {
    const api = await objectApi(this.#config.kc, object.kind);
    const { name, namespace } = object.metadata;
    let before: string | undefined;
    try {
      before = (await this.call({ verb: 'get', resource: api.resource, namespace, name }, (options) => api.read(name, namespace, options))).metadata?.resourceVersion;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const after = await this.call({ verb: 'patch', resource: api.resource, namespace, name }, (options) => api.apply(object, fieldManager, options));
    // an apply that changes nothing leaves the resourceVersion as it was
    if (before === undefined) return 'created';
    return after.metadata?.resourceVersion === before ? 'unchanged' : 'configured';
  }

  async listObjectNames(kind: ManifestKind, labelSelector: string, namespace = this.namespace): Promise<string[]> {
    const api = await objectApi(this.#config.kc, kind);
    const list = await this.call({ verb: 'list', resource: api.resource, namespace }, (options) => api.list(labelSelector, namespace, options));
    return list.items.flatMap((item) => (item.metadata?.name ? [item.metadata.name] : []));
  }

  async deleteObject(kind: ManifestKind, name: string, namespace = this.namespace): Promise<boolean> {
    const api = await objectApi(this.#config.kc, kind);
    try {
      await this.call({ verb: 'delete', resource: api.resource, namespace, name }, (options) => api.remove(name, namespace, options));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async listCronJobs(labelSelector: string, namespace = this.namespace): Promise<CronJobRecord[]> {
    const { BatchV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(BatchV1Api);
    const list = await this.call({ verb: 'list', resource: 'cronjobs', namespace }, (options) => api.listNamespacedCronJob({ namespace, labelSelector }, options));
    return list.items.flatMap((item) => {
      const record = toCronJobRecord(item);
      return record ? [record] : [];
    });
  }

  async listJobs(labelSelector: string, namespace = this.namespace): Promise<JobRecord[]> {
    const { BatchV1Api } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(BatchV1Api);
    const list = await this.call({ verb: 'list', resource: 'jobs', namespace }, (options) => api.listNamespacedJob({ namespace, labelSelector }, options));
    return list.items.flatMap((item) => {
      const record = toJobRecord(item);
      return record ? [record] : [];
    });
  }

  async serverVersion(): Promise<string> {
    const { VersionApi } = await import('./client-node.ts');
    const api = this.#config.kc.makeApiClient(VersionApi);
    const v = await this.call({ verb: 'get', resource: 'version' }, (options) => api.getCode(options));
    return v.gitVersion;
  }

  async exec(pod: string, argv: string[], stdout: Writable, options: ExecOptions = {}): Promise<ExecResult> {
    const target = { namespace: this.namespace, pod, container: FLINK_MAIN_CONTAINER, server: this.#config.server };
    const signal = options.signal && this.#signal ? AbortSignal.any([options.signal, this.#signal]) : (options.signal ?? this.#signal);
    const limits = { ...options, timeoutMs: options.timeoutMs ?? this.timeoutMs, ...(signal ? { signal } : {}) };
    const { credentials } = this.#config;
    for (let attempt = 1; ; attempt++) {
      const credential = await credentials.current();
      try {
        return await withCredential(credential, () => execInPod(this.#config.kc, target, argv, stdout, limits));
      } catch (err) {
        // a 401 refuses the upgrade before the command starts, so asking the helper again and retrying is safe
        if (attempt === 1 && err instanceof KubeApiError && err.code === 401 && credentials.rejected(credential)) continue;
        throw err;
      }
    }
  }

  async portForward(pod: string, port: number): Promise<Tunnel> {
    const { namespace } = this;
    // each tunnel connection prepares its own upgrade: any login happens now, not inside a Flink request
    await this.#config.credentials.current();
    const tunnel = await openPortForward(this.#config.kc, namespace, pod, port);
    return withDiagnosis(tunnel, async () => {
      const refused = tunnel.refusedUpgrade();
      if (refused && !authorizationStatuses.has(refused.status) && !isKubeStatus(refused.body)) return upgradeRefused(refused, this.#config.server);
      const text = tunnel.lastError();
      const action = { verb: 'create', resource: 'pods/portforward', namespace, name: pod, server: this.#config.server };
      const code = text === undefined ? undefined : statusCode({ message: text });
      if (code !== undefined) return toKubeError({ code, message: text }, action);
      // A refused upgrade does not always keep its HTTP status on the way up: ask the API server.
      const access = await this.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'portforward' }, namespace).catch(() => undefined);
      if (access?.allowed === false) return toKubeError({ code: 403 }, action);
      return text === undefined || text.startsWith('[object ') ? undefined : new SquirrlyError(text);
    });
  }

  async serviceProxy(service: string, port: string, scheme?: 'https'): Promise<Tunnel> {
    await this.#config.credentials.current();
    const tunnel = await openServiceProxy(this.#config, this.namespace, service, port, scheme);
    return withDiagnosis(tunnel, async () => {
      const text = tunnel.lastError();
      return tunnel.lastProblem() ?? (text === undefined ? undefined : new SquirrlyError(text));
    });
  }
}

/** A Status body comes from the API server itself (the pod is gone, not running): not a front refusing upgrades. */
function isKubeStatus(body: string): boolean {
  try {
    return (JSON.parse(body) as { kind?: unknown }).kind === 'Status';
  } catch {
    return false;
  }
}

/** Answers about who may do what, which --via proxy would not get round. */
const authorizationStatuses = new Set([401, 403, 404]);

/**
 * Something between the plugin and the API server (a proxy, a load balancer) would not pass the
 * WebSocket upgrade a port-forward needs; the services proxy works with plain requests.
 */
function upgradeRefused(refused: RefusedUpgrade, server: string): SquirrlyError {
  const said = oneLine(refused.body);
  return new SquirrlyError(`the WebSocket upgrade for the port-forward was refused on the way to ${server} (${refused.status}${said ? ` ${said}` : ''}): a proxy or load balancer in front of the API server does not pass upgrades`, {
    hint: 'use --via proxy: it reaches the Flink REST API through the API server\'s service proxy with plain HTTPS requests (needs get and create on services/proxy)',
  });
}

function oneLine(text: string): string {
  // the body came from whatever answered: no control characters on the terminal
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 160);
}

/** kubectl goes on without credentials when the context's user is missing; the 401 then says why. */
function userNotDefined(config: LoadedKubeconfig, user: string): KubeApiError {
  return new KubeApiError(`the API server at ${config.server} rejected the request (401 Unauthorized): context "${config.contextName}" names user "${user}", which the kubeconfig does not define`, 401,
    'add the user to the kubeconfig (kubectl config set-credentials), or point the context at an existing user');
}

/** A local tunnel with the cluster's reading of its failures. */
function withDiagnosis(tunnel: LocalTunnel, diagnose: Tunnel['diagnose']): Tunnel {
  return { baseUrl: tunnel.baseUrl, lastError: () => tunnel.lastError(), close: () => tunnel.close(), diagnose };
}

function toPodRecord(pod: V1Pod): PodRecord | undefined {
  const name = pod.metadata?.name;
  if (!name) return undefined;
  const component = pod.metadata?.labels?.component;
  const ip = pod.status?.podIP;
  const phase = pod.status?.phase;
  return {
    name,
    ...(component === 'jobmanager' || component === 'taskmanager' ? { role: component } : {}),
    ...(ip ? { ip } : {}),
    ...(phase ? { phase } : {}),
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    containers: (pod.spec?.containers ?? []).map((c) => c.name),
  };
}

function toCronJobRecord(cronJob: V1CronJob): CronJobRecord | undefined {
  const name = cronJob.metadata?.name;
  if (!name) return undefined;
  const status = cronJob.status;
  return {
    name,
    schedule: cronJob.spec?.schedule ?? '',
    suspended: cronJob.spec?.suspend === true,
    ...(validDate(status?.lastScheduleTime) ? { lastScheduleTime: status.lastScheduleTime } : {}),
    ...(validDate(status?.lastSuccessfulTime) ? { lastSuccessfulTime: status.lastSuccessfulTime } : {}),
    active: status?.active?.length ?? 0,
    labels: { ...(cronJob.metadata?.labels ?? {}) },
  };
}

function toJobRecord(job: V1Job): JobRecord | undefined {
  const name = job.metadata?.name;
  if (!name) return undefined;
  const owner = job.metadata?.ownerReferences?.find((o) => o.kind === 'CronJob' && o.controller === true) ?? job.metadata?.ownerReferences?.find((o) => o.kind === 'CronJob');
  const done = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  const created = job.metadata?.creationTimestamp;
  const { startTime, completionTime } = job.status ?? {};
  return {
    name,
    ...(owner?.name ? { cronJob: owner.name } : {}),
    ...(validDate(created) ? { created } : {}),
    ...(validDate(startTime) ? { startTime } : {}),
    ...(validDate(completionTime) ? { completionTime } : {}),
    ...(done
      ? {
          outcome: {
            type: done.type as 'Complete' | 'Failed',
            ...(done.reason ? { reason: done.reason } : {}),
            ...(done.message ? { message: done.message } : {}),
            ...(validDate(done.lastTransitionTime) ? { time: done.lastTransitionTime } : {}),
          },
        }
      : {}),
    activePods: job.status?.active ?? 0,
    labels: { ...(job.metadata?.labels ?? {}) },
  };
}

/** client-node turns timestamps into Dates; a malformed one becomes an Invalid Date, kept out. */
function validDate(value: Date | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}
