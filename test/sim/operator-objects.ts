// What the Flink Kubernetes Operator would have made for a declared deployment: the FlinkDeployment (and
// FlinkSessionJob) with its status, the Services, and the JobManager and TaskManager pods, named and labelled
// like real ones. Shared by the simulated cluster and the real control plane tier.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from './kube/objects.ts';
import type { DeploymentSpec, SimPod } from './types.ts';
import { jobIdFor } from './flink/cluster-overview.ts';

export const clusterName = 'squirrly-sim';
export const restPort = 8081;
export const mainContainer = 'flink-main-container';
// ReplicaSet hashes and pod suffixes use this alphabet (no vowels, no confusable digits)
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

function randomSuffix(length: number): string {
  return [...randomBytes(length)].map((byte) => suffixAlphabet[byte % suffixAlphabet.length]).join('');
}

/** '1.20.1' -> 'v1_20', the operator's FlinkVersion enum. */
function flinkVersionEnum(version: string): string {
  const [major = '1', minor = '0'] = version.split('.');
  return `v${major}_${minor}`;
}

export interface ResolvedDeployment extends Required<Omit<DeploymentSpec, 'failingModes' | 'restTls' | 'restLeader'>> {
  restLeader: number;
  failingModes: NonNullable<DeploymentSpec['failingModes']>;
  restTls?: DeploymentSpec['restTls'];
  /** the application job, or for a session cluster the one FlinkSessionJob running in it */
  jobName: string;
  jobId: string;
}

export function resolveDeployment(spec: DeploymentSpec): ResolvedDeployment {
  const jobName = spec.session ? `${spec.name}-job` : spec.name;
  return {
    name: spec.name,
    namespace: spec.namespace ?? 'squirrly',
    flinkVersion: spec.flinkVersion ?? '1.20.1',
    jobState: spec.jobState ?? 'RUNNING',
    jobManagerStatus: spec.jobManagerStatus ?? 'READY',
    profiling: spec.profiling ?? true,
    taskManagers: spec.taskManagers ?? 2,
    mode: spec.mode ?? 'native',
    session: spec.session ?? false,
    durationMax: spec.durationMax ?? 300,
    historySize: spec.historySize ?? 10,
    failingModes: spec.failingModes ?? [],
    profilingDir: spec.profilingDir ?? '/tmp',
    external: spec.external ?? false,
    jobManagers: spec.jobManagers ?? 1,
    restLeader: spec.restLeader ?? (spec.jobManagers ?? 1) - 1,
    ...(spec.restTls ? { restTls: spec.restTls } : {}),
    jobName,
    // the Flink simulator derives the JobID from the job name; the operator status must agree with it
    jobId: jobIdFor(jobName),
  };
}

export function flinkConfiguration(d: ResolvedDeployment): Record<string, string> {
  return {
    'rest.port': String(restPort),
    'rest.profiling.enabled': String(d.profiling),
    'rest.profiling.dir': d.profilingDir,
    'rest.profiling.duration-max': `${d.durationMax} s`,
    'rest.profiling.history-size': String(d.historySize),
    'taskmanager.numberOfTaskSlots': '2',
    ...(d.restTls ? { 'security.ssl.rest.enabled': 'true' } : {}),
    ...(d.jobManagers > 1 ? { 'high-availability.type': 'kubernetes', 'high-availability.storageDir': 's3://flink/ha' } : {}),
    ...(d.restTls?.clientCaPem ? { 'security.ssl.rest.authentication-enabled': 'true' } : {}),
  };
}

export function flinkDeploymentObject(d: ResolvedDeployment): KubeObject {
  const now = String(Date.now());
  return {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name: d.name, namespace: d.namespace },
    spec: {
      image: `flink:${d.flinkVersion}`,
      flinkVersion: flinkVersionEnum(d.flinkVersion),
      mode: d.mode,
      serviceAccount: 'flink',
      flinkConfiguration: flinkConfiguration(d),
      jobManager: { replicas: d.jobManagers, resource: { memory: '2048m', cpu: 1 } },
      taskManager: { replicas: d.taskManagers, resource: { memory: '2048m', cpu: 1 } },
      ...(d.session
        ? {}
        : {
            job: {
              jarURI: 'local:///opt/flink/examples/streaming/StateMachineExample.jar',
              parallelism: d.taskManagers * 2,
              upgradeMode: 'stateless',
              state: 'running',
            },
          }),
    },
    status: {
      jobStatus: d.session ? {} : { jobName: d.jobName, jobId: d.jobId, state: d.jobState, startTime: now, updateTime: now },
      jobManagerDeploymentStatus: d.jobManagerStatus,
      lifecycleState: 'STABLE',
      clusterInfo: { 'flink-version': d.flinkVersion, 'flink-revision': 'a0ba1ca @ 2025-02-13T13:04:50+01:00', 'total-cpu': String(1 + d.taskManagers), 'total-memory': String((1 + d.taskManagers) * 2147483648) },
      taskManager: { labelSelector: `component=taskmanager,app=${d.name}`, replicas: d.taskManagers },
      reconciliationStatus: { state: 'DEPLOYED' },
      observedGeneration: 1,
    },
  };
}

export function sessionJobObject(d: ResolvedDeployment): KubeObject {
  return {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkSessionJob',
    metadata: { name: d.jobName, namespace: d.namespace },
    spec: { deploymentName: d.name, job: { jarURI: 'local:///opt/flink/examples/streaming/StateMachineExample.jar', parallelism: 2, upgradeMode: 'stateless', state: 'running' } },
    status: { jobStatus: { jobName: d.jobName, jobId: d.jobId, state: d.jobState }, lifecycleState: 'STABLE' },
  };
}

export function serviceObjects(d: ResolvedDeployment): KubeObject[] {
  const type = d.mode === 'native' ? 'flink-native-kubernetes' : 'flink-standalone-kubernetes';
  const selector = { app: d.name, component: 'jobmanager', type };
  const labels = { app: d.name, type };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${d.name}-rest`, namespace: d.namespace, labels },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', selector, ports: [{ name: 'rest', port: restPort, targetPort: restPort, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: d.name, namespace: d.namespace, labels },
      spec: { type: 'ClusterIP', clusterIP: 'None', selector, ports: [{ name: 'jobmanager-rpc', port: 6123, targetPort: 6123, protocol: 'TCP' }, { name: 'blobserver', port: 6124, targetPort: 6124, protocol: 'TCP' }] },
    },
  ];
}

/** The JobManager and TaskManager pods the operator would create, named and labelled like real ones. */
export function deploymentPods(d: ResolvedDeployment, subnet: number, folderOf: (name: string) => string): SimPod[] {
  const type = d.mode === 'native' ? 'flink-native-kubernetes' : 'flink-standalone-kubernetes';
  const image = `flink:${d.flinkVersion}`;
  const jobManagerHash = randomHex(10);
  const jobManagers = Array.from({ length: d.jobManagers }, (_, index): SimPod => {
    const jobManagerName = `${d.name}-${jobManagerHash}-${randomSuffix(5)}`;
    return {
      namespace: d.namespace,
      name: jobManagerName,
      labels: { app: d.name, component: 'jobmanager', type, 'pod-template-hash': jobManagerHash },
      ip: `10.244.${subnet}.${10 + index}`,
      phase: d.jobManagerStatus === 'DEPLOYING' ? 'Pending' : 'Running',
      ready: d.jobManagerStatus === 'READY',
      containers: [mainContainer],
      fsRoot: folderOf(jobManagerName),
      portTargets: {},
      image,
      ports: [{ name: 'rest', containerPort: restPort }, { name: 'jobmanager-rpc', containerPort: 6123 }, { name: 'blobserver', containerPort: 6124 }],
    };
  });
  const taskManagerHash = randomHex(10);
  const taskManagers = Array.from({ length: d.taskManagers }, (_, index): SimPod => {
    const name = d.mode === 'native' ? `${d.name}-taskmanager-1-${index + 1}` : `${d.name}-taskmanager-${taskManagerHash}-${randomSuffix(5)}`;
    return {
      namespace: d.namespace,
      name,
      labels: { app: d.name, component: 'taskmanager', type, ...(d.mode === 'standalone' ? { 'pod-template-hash': taskManagerHash } : {}) },
      ip: `10.244.${subnet}.${20 + index}`,
      phase: 'Running',
      ready: true,
      containers: [mainContainer],
      fsRoot: folderOf(name),
      portTargets: {},
      image,
      ports: [{ name: 'data', containerPort: 6121 }, { name: 'rpc', containerPort: 6122 }],
    };
  });
  return [...jobManagers, ...taskManagers];
}

/**
 * The ConfigMap Flink's Kubernetes HA services keep per cluster: each component's leader under
 * `org.apache.flink.k8s.leader.<component>` as "<session id>,<address>", the REST server's
 * address being its URL; the lock holder in the leader annotation.
 */
export function haConfigMap(d: ResolvedDeployment, leader: SimPod): KubeObject {
  const session = () => `${randomHex(8)}-${randomHex(4)}-4${randomHex(3)}-8${randomHex(3)}-${randomHex(12)}`;
  const rpc = `pekko.tcp://flink@${leader.ip}:6123/user/rpc`;
  const lock = session();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${d.name}-cluster-config-map`,
      namespace: d.namespace,
      labels: { app: d.name, 'configmap-type': 'high-availability', type: 'flink-native-kubernetes' },
      annotations: {
        'control-plane.alpha.kubernetes.io/leader': JSON.stringify({ holderIdentity: lock, leaseDurationSeconds: 15, acquireTime: new Date().toISOString(), renewTime: new Date().toISOString(), leaderTransitions: 1 }),
      },
    },
    data: {
      'org.apache.flink.k8s.leader.restserver': `${session()},${d.restTls ? 'https' : 'http'}://${leader.ip}:${restPort}`,
      'org.apache.flink.k8s.leader.dispatcher': `${session()},${rpc}/dispatcher_1`,
      'org.apache.flink.k8s.leader.resourcemanager': `${session()},${rpc}/resourcemanager_0`,
    },
  };
}

/** The Flink ResourceID of a TaskManager: the pod name in native mode, `<ip>:6122-<6 hex>` in standalone mode. */
export function taskManagerResourceId(d: ResolvedDeployment, pod: SimPod): string {
  return d.mode === 'native' ? pod.name : `${pod.ip}:6122-${randomHex(6)}`;
}

function yamlString(value: string): string {
  // a JSON string literal is a valid YAML double-quoted scalar
  return JSON.stringify(value);
}

/** A bearer token, or a client certificate and its key (PEM). */
export type UserCredentials = string | { certPem: string; keyPem: string };

function credentialLines(credentials: UserCredentials): string[] {
  if (typeof credentials === 'string') return [`    token: ${yamlString(credentials)}`];
  const base64 = (pem: string) => yamlString(Buffer.from(pem).toString('base64'));
  return [`    client-certificate-data: ${base64(credentials.certPem)}`, `    client-key-data: ${base64(credentials.keyPem)}`];
}

export function kubeconfigYaml(server: string, caPem: string, user: string, credentials: UserCredentials, context: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${yamlString(clusterName)}`,
    '  cluster:',
    `    server: ${yamlString(server)}`,
    `    certificate-authority-data: ${yamlString(Buffer.from(caPem).toString('base64'))}`,
    'users:',
    `- name: ${yamlString(user)}`,
    '  user:',
    ...credentialLines(credentials),
    'contexts:',
    `- name: ${yamlString(context)}`,
    '  context:',
    `    cluster: ${yamlString(clusterName)}`,
    `    user: ${yamlString(user)}`,
    `    namespace: ${yamlString(namespace)}`,
    `current-context: ${yamlString(context)}`,
    '',
  ].join('\n');
}
