// The Kubernetes reads the plugin needs, each bounded by the request timeout and mapped to a
// SquirrlyError that names the missing permission or the unreachable server.
import type { LoadedKubeconfig } from './kubeconfig.ts';
import { KubeApiError, toKubeError, type KubeAction } from './api-errors.ts';
import { withTimeout } from './timeout.ts';
import type { V1Pod } from './client-node.ts';

export const FLINK_GROUP = 'flink.apache.org';
export const FLINK_VERSION = 'v1beta1';

/** The subset of a FlinkDeployment the plugin reads; everything is optional because it comes from the cluster. */
export interface FlinkDeploymentObject {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    flinkVersion?: string;
    mode?: string;
    job?: unknown;
    flinkConfiguration?: Record<string, unknown>;
    taskManager?: { replicas?: number };
  };
  status?: {
    jobManagerDeploymentStatus?: string;
    lifecycleState?: string;
    error?: string;
    jobStatus?: { state?: string; jobId?: string; jobName?: string };
    clusterInfo?: Record<string, string>;
  };
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

export class KubeCluster {
  readonly config: LoadedKubeconfig;
  readonly timeoutMs: number;
  constructor(config: LoadedKubeconfig, timeoutMs: number) {
    this.config = config;
    this.timeoutMs = timeoutMs;
  }

  get namespace(): string {
    return this.config.namespace;
  }

  private async call<T>(action: Omit<KubeAction, 'server'>, work: () => Promise<T>): Promise<T> {
    const full = { ...action, server: this.config.server };
    try {
      return await withTimeout(work(), this.timeoutMs, `${action.verb} ${action.resource} on ${this.config.server}`);
    } catch (err) {
      throw toKubeError(err, full);
    }
  }

  getFlinkDeployment(name: string, namespace = this.namespace): Promise<FlinkDeploymentObject | undefined> {
    return this.getFlinkObject<FlinkDeploymentObject>('flinkdeployments', name, namespace);
  }

  async listFlinkDeployments(namespace = this.namespace): Promise<FlinkDeploymentObject[]> {
    const { CustomObjectsApi } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(CustomObjectsApi);
    const list = (await this.call({ verb: 'list', resource: 'flinkdeployments', namespace }, () =>
      api.listNamespacedCustomObject({ group: FLINK_GROUP, version: FLINK_VERSION, namespace, plural: 'flinkdeployments' }),
    )) as { items?: FlinkDeploymentObject[] };
    return list.items ?? [];
  }

  getFlinkSessionJob(name: string, namespace = this.namespace): Promise<{ spec?: { deploymentName?: string } } | undefined> {
    return this.getFlinkObject('flinksessionjobs', name, namespace);
  }

  /** A flink.apache.org object by name; undefined when it does not exist. */
  private async getFlinkObject<T>(plural: string, name: string, namespace: string): Promise<T | undefined> {
    const { CustomObjectsApi } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(CustomObjectsApi);
    try {
      return await this.call({ verb: 'get', resource: plural, namespace, name }, () =>
        api.getNamespacedCustomObject({ group: FLINK_GROUP, version: FLINK_VERSION, namespace, plural, name }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async namespaceExists(namespace: string): Promise<boolean | undefined> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(CoreV1Api);
    try {
      await this.call({ verb: 'get', resource: 'namespaces', name: namespace }, () => api.readNamespace({ name: namespace }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      return undefined; // not allowed to look: unknown
    }
  }

  async listPods(labelSelector: string, namespace = this.namespace): Promise<V1Pod[]> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(CoreV1Api);
    const list = await this.call({ verb: 'list', resource: 'pods', namespace }, () => api.listNamespacedPod({ namespace, labelSelector }));
    return list.items;
  }

  /** The ports of a Service (name, port, targetPort); undefined when it does not exist. */
  async getServicePorts(name: string, namespace = this.namespace): Promise<Array<{ name?: string; port: number; targetPort?: number | string }> | undefined> {
    const { CoreV1Api } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(CoreV1Api);
    try {
      const service = await this.call({ verb: 'get', resource: 'services', namespace, name }, () => api.readNamespacedService({ name, namespace }));
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

  /** SelfSubjectAccessReview: may the current user do this? */
  async canI(check: AccessCheck, namespace = this.namespace): Promise<{ allowed: boolean; reason?: string }> {
    const { AuthorizationV1Api } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(AuthorizationV1Api);
    const review = await this.call({ verb: 'create', resource: 'selfsubjectaccessreviews' }, () =>
      api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb: check.verb, group: check.group, resource: check.resource, ...(check.subresource ? { subresource: check.subresource } : {}) } },
        },
      }),
    );
    return { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
  }

  async serverVersion(): Promise<string> {
    const { VersionApi } = await import('./client-node.ts');
    const api = this.config.kc.makeApiClient(VersionApi);
    const v = await this.call({ verb: 'get', resource: 'version' }, () => api.getCode());
    return v.gitVersion;
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}
