// The one port to Kubernetes: what the workflows need from a cluster, as plain records. Nothing
// above src/kube sees client-node or a kubeconfig; tests and other adapters implement this.
import type { Writable } from 'node:stream';
import type { SquirrlyError } from '../errors.ts';
import type { CredentialSummary } from './credentials.ts';
import type { InClusterInfo } from './in-cluster.ts';

export const FLINK_GROUP = 'flink.apache.org';
export const FLINK_VERSION = 'v1beta1';

/** The subset of a FlinkDeployment the plugin reads; everything is optional because it comes from the cluster. */
export interface FlinkDeploymentObject {
  metadata?: { name?: string; namespace?: string; generation?: number; resourceVersion?: string };
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

export interface FlinkSessionJobObject {
  spec?: { deploymentName?: string };
}

/** Which Flink process a pod runs, from the operator's `component` label. */
export type PodRole = 'jobmanager' | 'taskmanager';

export interface PodRecord {
  name: string;
  role?: PodRole;
  ip?: string;
  /** Pending, Running, Succeeded, Failed, Unknown */
  phase?: string;
  /** the Ready condition is True */
  ready: boolean;
  containers: string[];
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

export interface ConfigMapRecord {
  data: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  reason?: string;
}

export interface ExecResult {
  exitCode: number;
  /** the first 4 KiB of stderr, for messages */
  stderr: string;
}

export interface ExecOptions {
  /** the longest silence of the command's output; default the request timeout */
  timeoutMs?: number;
  /** more stdout than this stops the command with a ByteCapError */
  maxBytes?: number;
  /** aborting closes the stream at once */
  signal?: AbortSignal;
}

/** A local base URL that reaches something inside the cluster. */
export interface Tunnel {
  /** e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** the last error reported by the API server or the kubelet for this tunnel, if any */
  lastError(): string | undefined;
  /** after a failed request: why the tunnel failed, as an error naming the fix, when it can tell */
  diagnose(): Promise<SquirrlyError | undefined>;
  close(): Promise<void>;
}

/** Where the plugin is connected, for messages and `doctor`. */
export interface ClusterContext {
  name: string;
  server: string;
  /** the kubeconfig files that were read */
  files: string[];
  /** the proxy every request goes through, when one is configured for this server */
  proxy?: { url: string; source: string };
  /** where the credentials come from (never the secret), when the kubeconfig says */
  credentials?: CredentialSummary;
  /** set when no kubeconfig was found and the pod's ServiceAccount is in use */
  inCluster?: InClusterInfo;
}

export interface Cluster extends ClusterObjects {
  readonly namespace: string;
  readonly context: ClusterContext;
  /** the deadline of one request (--request-timeout) */
  readonly timeoutMs: number;
  serverVersion(): Promise<string>;
  /** undefined when it does not exist */
  getFlinkDeployment(name: string, namespace?: string): Promise<FlinkDeploymentObject | undefined>;
  listFlinkDeployments(namespace?: string): Promise<FlinkDeploymentObject[]>;
  /** undefined when it does not exist */
  getFlinkSessionJob(name: string, namespace?: string): Promise<FlinkSessionJobObject | undefined>;
  /** undefined when the user may not look */
  namespaceExists(namespace: string): Promise<boolean | undefined>;
  listPods(labelSelector: string, namespace?: string): Promise<PodRecord[]>;
  /** undefined when the Service does not exist */
  getServicePorts(name: string, namespace?: string): Promise<ServicePort[] | undefined>;
  /** undefined when the ConfigMap does not exist */
  getConfigMap(name: string, namespace?: string): Promise<ConfigMapRecord | undefined>;
  /** SelfSubjectAccessReview: may the current user do this? */
  canI(check: AccessCheck, namespace?: string): Promise<AccessAnswer>;
  /** Runs argv (never a shell string) in the Flink container of a pod, streaming stdout to `stdout`. */
  exec(pod: string, argv: string[], stdout: Writable, options?: ExecOptions): Promise<ExecResult>;
  /** A local endpoint forwarded to a pod's port (needs create pods/portforward). */
  portForward(pod: string, port: number): Promise<Tunnel>;
  /**
   * A local plain-HTTP endpoint through the API server's service proxy (needs get/create
   * services/proxy); with scheme 'https' the API server speaks TLS to the service.
   */
  serviceProxy(service: string, port: string, scheme?: 'https'): Promise<Tunnel>;
}

/** The kinds the plugin writes to a cluster (the monitor's objects), each in the namespace it names. */
export type ManifestKind = 'ServiceAccount' | 'Role' | 'RoleBinding' | 'CronJob';

/** One object to apply, as the API server takes it. */
export interface ManifestObject {
  apiVersion: string;
  kind: ManifestKind;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  [field: string]: unknown;
}

/** What a server-side apply did, as kubectl reports it. */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface CronJobRecord {
  name: string;
  schedule: string;
  suspended: boolean;
  lastScheduleTime?: Date;
  lastSuccessfulTime?: Date;
  /** Jobs running now */
  active: number;
  labels: Record<string, string>;
}

export interface JobRecord {
  name: string;
  /** the CronJob that owns it (ownerReferences), when one does */
  cronJob?: string;
  created?: Date;
  startTime?: Date;
  completionTime?: Date;
  /** the terminal condition that is True, if any */
  outcome?: { type: 'Complete' | 'Failed'; reason?: string; message?: string; time?: Date };
  activePods: number;
  labels: Record<string, string>;
}

/** Writing and finding the plugin's own objects (monitor install/status/uninstall). */
export interface ClusterObjects {
  /** server-side apply under `fieldManager`; `dryRun` asks the API server to validate only */
  applyObject(object: ManifestObject, fieldManager: string, options?: { dryRun?: boolean }): Promise<ApplyOutcome>;
  /** names of the objects of this kind that carry the labels */
  listObjectNames(kind: ManifestKind, labelSelector: string, namespace?: string): Promise<string[]>;
  /** false when it was already gone; a CronJob takes its Jobs and their pods with it (Background) */
  deleteObject(kind: ManifestKind, name: string, namespace?: string): Promise<boolean>;
  listCronJobs(labelSelector: string, namespace?: string): Promise<CronJobRecord[]>;
  listJobs(labelSelector: string, namespace?: string): Promise<JobRecord[]>;
}
