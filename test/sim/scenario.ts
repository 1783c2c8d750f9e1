// The scenario API: one call builds a simulated cluster (namespaces, FlinkDeployments, operator-shaped pods and
// services, per-pod filesystems, Flink REST simulators) and returns a handle with a kubeconfig for it.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from './kube/objects.ts';
import { allowEverything } from './kube/rbac.ts';
import { startKubeSim, type KubeSim, type RequestLogEntry } from './kube/server.ts';
import type { DeploymentSpec, RbacRule, ScenarioSpec, SimPod } from './types.ts';
import { jobIdFor } from './flink/cluster-overview.ts';
import { startFlinkSim, type FlinkSim } from './flink/cluster.ts';

export interface KubeconfigOptions {
  /** a user added with `addUser` or `spec.users`; default the scenario's own user */
  user?: string;
  /** the context's namespace; default the first deployment's namespace */
  namespace?: string;
  /** the context's name; default 'squirrly-sim' */
  context?: string;
}

export interface Scenario {
  /** kubeconfig of the default user, context 'squirrly-sim', current-context set */
  readonly kubeconfigPath: string;
  /** API server URL */
  readonly server: string;
  /** bearer token of the default user */
  readonly token: string;
  /** namespace of the kubeconfig's context */
  readonly namespace: string;
  /** the API server simulator itself, for fault hooks (addDelay) and direct store access */
  readonly kube: KubeSim;
  /** every API request in arrival order */
  readonly requests: RequestLogEntry[];
  pods(namespace?: string): SimPod[];
  pod(namespace: string, name: string): SimPod | undefined;
  /** host folder of a pod's filesystem: <root>/tmp is its /tmp, <root>/opt/flink its /opt/flink */
  podFsRoot(namespace: string, name: string): string;
  flink(name: string, namespace?: string): FlinkSim | undefined;
  setPortTarget(namespace: string, pod: string, port: number, target: { host: string; port: number }): void;
  /** replaces the RBAC rules of the default user */
  setRbac(rules: RbacRule[]): void;
  deletePod(namespace: string, name: string): void;
  updateDeployment(namespace: string, name: string, mutate: (deployment: KubeObject) => void): void;
  /** writes another kubeconfig for this cluster and returns its path */
  writeKubeconfig(options?: KubeconfigOptions): string;
  /** registers a user with these rules and returns its token */
  addUser(name: string, rules: RbacRule[]): string;
  /** stops every simulator and removes the scenario's temp folder */
  stop(): Promise<void>;
}

const defaultUser = 'squirrly-user';
const clusterName = 'squirrly-sim';
const restPort = 8081;
const mainContainer = 'flink-main-container';
// ReplicaSet hashes and pod suffixes use this alphabet (no vowels, no confusable digits)
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function randomHex(length: number): string {
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

interface ResolvedDeployment extends Required<Omit<DeploymentSpec, 'failingModes'>> {
  failingModes: NonNullable<DeploymentSpec['failingModes']>;
  /** the application job, or for a session cluster the one FlinkSessionJob running in it */
  jobName: string;
  jobId: string;
}

function resolveDeployment(spec: DeploymentSpec): ResolvedDeployment {
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
    jobName,
    // the Flink simulator derives the JobID from the job name; the operator status must agree with it
    jobId: jobIdFor(jobName),
  };
}

function flinkConfiguration(d: ResolvedDeployment): Record<string, string> {
  return {
    'rest.port': String(restPort),
    'rest.profiling.enabled': String(d.profiling),
    'rest.profiling.dir': d.profilingDir,
    'rest.profiling.duration-max': `${d.durationMax} s`,
    'rest.profiling.history-size': String(d.historySize),
    'taskmanager.numberOfTaskSlots': '2',
  };
}

function flinkDeploymentObject(d: ResolvedDeployment): KubeObject {
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
      jobManager: { replicas: 1, resource: { memory: '2048m', cpu: 1 } },
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

function sessionJobObject(d: ResolvedDeployment): KubeObject {
  return {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkSessionJob',
    metadata: { name: d.jobName, namespace: d.namespace },
    spec: { deploymentName: d.name, job: { jarURI: 'local:///opt/flink/examples/streaming/StateMachineExample.jar', parallelism: 2, upgradeMode: 'stateless', state: 'running' } },
    status: { jobStatus: { jobName: d.jobName, jobId: d.jobId, state: d.jobState }, lifecycleState: 'STABLE' },
  };
}

function serviceObjects(d: ResolvedDeployment): KubeObject[] {
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
function deploymentPods(d: ResolvedDeployment, subnet: number, folderOf: (name: string) => string): SimPod[] {
  const type = d.mode === 'native' ? 'flink-native-kubernetes' : 'flink-standalone-kubernetes';
  const image = `flink:${d.flinkVersion}`;
  const jobManagerHash = randomHex(10);
  const jobManagerName = `${d.name}-${jobManagerHash}-${randomSuffix(5)}`;
  const jobManager: SimPod = {
    namespace: d.namespace,
    name: jobManagerName,
    labels: { app: d.name, component: 'jobmanager', type, 'pod-template-hash': jobManagerHash },
    ip: `10.244.${subnet}.10`,
    phase: d.jobManagerStatus === 'DEPLOYING' ? 'Pending' : 'Running',
    ready: d.jobManagerStatus === 'READY',
    containers: [mainContainer],
    fsRoot: folderOf(jobManagerName),
    portTargets: {},
    image,
    ports: [{ name: 'rest', containerPort: restPort }, { name: 'jobmanager-rpc', containerPort: 6123 }, { name: 'blobserver', containerPort: 6124 }],
  };
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
  return [jobManager, ...taskManagers];
}

/** The Flink ResourceID of a TaskManager: the pod name in native mode, `<ip>:6122-<6 hex>` in standalone mode. */
function taskManagerResourceId(d: ResolvedDeployment, pod: SimPod): string {
  return d.mode === 'native' ? pod.name : `${pod.ip}:6122-${randomHex(6)}`;
}

function yamlString(value: string): string {
  // a JSON string literal is a valid YAML double-quoted scalar
  return JSON.stringify(value);
}

function kubeconfigYaml(server: string, caPem: string, user: string, token: string, context: string, namespace: string): string {
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
    `    token: ${yamlString(token)}`,
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

export async function startScenario(spec: ScenarioSpec = {}): Promise<Scenario> {
  const deployments = (spec.deployments ?? []).map(resolveDeployment);
  const root = await mkdtemp(join(tmpdir(), 'squirrly-scenario-'));
  const flinkSims = new Map<string, FlinkSim>();
  let kube: KubeSim | undefined;
  const stopAll = async () => {
    await Promise.allSettled([...flinkSims.values()].map((sim) => sim.stop()));
    await kube?.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    kube = await startKubeSim();
    const sim = kube;
    const tokens = new Map<string, string>();
    const addUser = (name: string, rules: RbacRule[]) => {
      const token = sim.addUser(name, rules);
      tokens.set(name, token);
      return token;
    };
    const token = addUser(defaultUser, spec.rbac ?? allowEverything);
    for (const [name, rules] of Object.entries(spec.users ?? {})) addUser(name, rules);

    for (const namespace of spec.namespaces ?? ['default', 'squirrly']) sim.store.addNamespace(namespace);
    const folders = new Map<string, string>();
    const folderKey = (namespace: string, name: string) => `${namespace}/${name}`;

    for (const [index, d] of deployments.entries()) {
      sim.store.addNamespace(d.namespace);
      sim.store.put('flinkdeployments', flinkDeploymentObject(d));
      if (d.session) sim.store.put('flinksessionjobs', sessionJobObject(d));
      for (const service of serviceObjects(d)) sim.store.put('services', service);
      const pods = deploymentPods(d, index + 1, (name) => join(root, 'pods', d.namespace, name));
      for (const pod of pods) {
        await mkdir(join(pod.fsRoot, 'tmp'), { recursive: true });
        await mkdir(join(pod.fsRoot, 'opt', 'flink', 'log'), { recursive: true });
        folders.set(folderKey(pod.namespace, pod.name), pod.fsRoot);
        sim.store.addPod(pod);
      }
      const [jobManager, ...taskManagers] = pods;
      if (d.external || jobManager === undefined) continue;
      // the profiler writes where the pod's rest.profiling.dir is, inside the pod's own filesystem
      const profilingDirOf = async (pod: SimPod) => {
        const dir = join(pod.fsRoot, d.profilingDir);
        await mkdir(dir, { recursive: true });
        return dir;
      };
      const flink = await startFlinkSim({
        flinkVersion: d.flinkVersion,
        profiling: d.profiling,
        durationMax: d.durationMax,
        historySize: d.historySize,
        failingModes: d.failingModes,
        clockSpeed: spec.clockSpeed ?? 1,
        job: { name: d.jobName, state: d.jobState },
        configuration: flinkConfiguration(d),
        jobManager: { profilingDir: await profilingDirOf(jobManager) },
        taskManagers: await Promise.all(
          taskManagers.map(async (pod) => ({ id: taskManagerResourceId(d, pod), ip: pod.ip, profilingDir: await profilingDirOf(pod) })),
        ),
      });
      flinkSims.set(folderKey(d.namespace, d.name), flink);
      jobManager.portTargets[restPort] = { host: new URL(flink.url).hostname, port: flink.port };
    }

    const contextNamespace = deployments[0]?.namespace ?? 'squirrly';
    const writeKubeconfig = (options: KubeconfigOptions = {}) => {
      const user = options.user ?? defaultUser;
      const userToken = tokens.get(user);
      if (userToken === undefined) throw new Error(`unknown scenario user ${user}`);
      const path = join(root, `kubeconfig-${randomHex(8)}.yaml`);
      const yaml = kubeconfigYaml(sim.url, sim.caPem, user, userToken, options.context ?? clusterName, options.namespace ?? contextNamespace);
      writeFileSync(path, yaml, { mode: 0o600 });
      return path;
    };
    const kubeconfigPath = join(root, 'kubeconfig.yaml');
    await writeFile(kubeconfigPath, kubeconfigYaml(sim.url, sim.caPem, defaultUser, token, clusterName, contextNamespace), { mode: 0o600 });

    const requirePod = (namespace: string, name: string) => {
      const pod = sim.store.simPod(namespace, name);
      if (pod === undefined) throw new Error(`no pod ${namespace}/${name} in the scenario`);
      return pod;
    };
    return {
      kubeconfigPath,
      server: sim.url,
      token,
      namespace: contextNamespace,
      kube: sim,
      requests: sim.requests,
      pods: (namespace) => sim.store.simPods(namespace),
      pod: (namespace, name) => sim.store.simPod(namespace, name),
      podFsRoot(namespace, name) {
        const folder = folders.get(folderKey(namespace, name));
        if (folder === undefined) throw new Error(`no pod ${namespace}/${name} in the scenario`);
        return folder;
      },
      flink: (name, namespace = contextNamespace) => flinkSims.get(folderKey(namespace, name)),
      setPortTarget(namespace, pod, port, target) {
        requirePod(namespace, pod).portTargets[port] = { host: target.host, port: target.port };
      },
      setRbac: (rules) => sim.setRules(defaultUser, rules),
      deletePod(namespace, name) {
        if (!sim.store.deletePod(namespace, name)) throw new Error(`no pod ${namespace}/${name} in the scenario`);
      },
      updateDeployment(namespace, name, mutate) {
        if (!sim.store.update('flinkdeployments', namespace, name, mutate)) {
          throw new Error(`no FlinkDeployment ${namespace}/${name} in the scenario`);
        }
      },
      writeKubeconfig,
      addUser,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The demo cluster of `npm run sim`: FlinkDeployment squirrly/sample-job, Flink 1.20.1, two TaskManagers. */
export function startDemoScenario(overrides: ScenarioSpec = {}): Promise<Scenario> {
  return startScenario({
    namespaces: ['default', 'squirrly'],
    deployments: [{ name: 'sample-job', namespace: 'squirrly', flinkVersion: '1.20.1', taskManagers: 2, profiling: true }],
    clockSpeed: 1,
    ...overrides,
  });
}
