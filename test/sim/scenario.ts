// The scenario API: one call builds a simulated cluster (namespaces, FlinkDeployments, operator-shaped pods and
// services, per-pod filesystems, Flink REST simulators) and returns a handle with a kubeconfig for it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from './kube/objects.ts';
import { allowEverything } from './kube/rbac.ts';
import { startKubeSim, type KubeSim, type RequestLogEntry } from './kube/server.ts';
import type { RbacRule, ScenarioSpec, SimPod } from './types.ts';
import { startFlinkSim, type FlinkSim } from './flink/cluster.ts';
import {
  clusterName,
  deploymentPods,
  flinkConfiguration,
  flinkDeploymentObject,
  haConfigMap,
  kubeconfigYaml,
  randomHex,
  resolveDeployment,
  restPort,
  serviceObjects,
  sessionJobObject,
  taskManagerResourceId,
} from './operator-objects.ts';

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
  /** the CA that signed the API server's certificate, PEM */
  readonly caPem: string;
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
      const jobManagers = pods.filter((p) => p.labels.component === 'jobmanager');
      const taskManagers = pods.filter((p) => p.labels.component === 'taskmanager');
      const jobManager = jobManagers[d.restLeader] ?? jobManagers[0];
      if (jobManagers.length > 1 && jobManager !== undefined) sim.store.put('configmaps', haConfigMap(d, jobManager));
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
        ...(d.restTls ? { tls: d.restTls } : {}),
        jobManager: { profilingDir: await profilingDirOf(jobManager) },
        taskManagers: await Promise.all(
          taskManagers.map(async (pod) => ({ id: taskManagerResourceId(d, pod), ip: pod.ip, profilingDir: await profilingDirOf(pod) })),
        ),
      });
      flinkSims.set(folderKey(d.namespace, d.name), flink);
      // a standby's REST endpoint answers too (through the leader's RPC), so every JobManager forwards to the one Flink
      for (const pod of jobManagers) pod.portTargets[restPort] = { host: new URL(flink.url).hostname, port: flink.port };
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
      caPem: sim.caPem,
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
