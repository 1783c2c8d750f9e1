// The scenario API on the real control plane: the same declarations as the simulated cluster's
// (namespaces, FlinkDeployments with their status, operator-shaped pods and services, per-pod files,
// Flink REST simulators behind the JobManagers' port-forwards), made of real objects in a real API
// server with real RBAC. Scenarios share one control plane per test process and remove what they
// made when they stop (no controller deletes a namespace's contents here).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFlinkSim, type FlinkSim } from '../sim/flink/cluster.ts';
import type { KubeObject } from '../sim/kube/objects.ts';
import { allowEverything, isAllowed, type AccessAttributes } from '../sim/kube/rbac.ts';
import {
  clusterName,
  deploymentPods,
  flinkConfiguration,
  flinkDeploymentObject,
  kubeconfigYaml,
  resolveDeployment,
  restPort,
  serviceObjects,
  sessionJobObject,
  taskManagerResourceId,
  type ResolvedDeployment,
  type UserCredentials,
} from '../sim/operator-objects.ts';
import type { RbacRule, ScenarioSpec, SimPod } from '../sim/types.ts';
import { ApiError, waitUntil, type AdminApi } from './api.ts';
import { acquireControlPlane, holdStatusLabel, nodeName, releaseControlPlane, type ControlPlane } from './control-plane.ts';

export interface RealKubeconfigOptions {
  user?: string;
  namespace?: string;
  context?: string;
}

export interface RealScenario {
  readonly kind: 'real';
  readonly kubeconfigPath: string;
  readonly server: string;
  /** the CA that signed the API server's certificate, PEM */
  readonly caPem: string;
  readonly token: string;
  readonly namespace: string;
  readonly controlPlane: ControlPlane;
  pods(namespace?: string): SimPod[];
  pod(namespace: string, name: string): SimPod | undefined;
  podFsRoot(namespace: string, name: string): string;
  flink(name: string, namespace?: string): FlinkSim | undefined;
  setPortTarget(namespace: string, pod: string, port: number, target: { host: string; port: number }): Promise<void>;
  /** replaces the default user's ClusterRole/Role bindings */
  setRbac(rules: RbacRule[]): Promise<void>;
  deletePod(namespace: string, name: string): Promise<void>;
  updateDeployment(namespace: string, name: string, mutate: (deployment: KubeObject) => void): Promise<void>;
  writeKubeconfig(options?: RealKubeconfigOptions): string;
  /** a token user (a ServiceAccount's bound token) whose rights are real Role/RoleBinding objects; returns its token */
  addUser(name: string, rules: RbacRule[]): Promise<string>;
  /** a client-certificate user (CN name, O groups) with these rules */
  addCertificateUser(name: string, rules: RbacRule[], groups?: string[]): Promise<void>;
  stop(): Promise<void>;
}

const defaultUser = 'squirrly-user';
/** ServiceAccounts that stand for the scenario's extra token users live here */
const usersNamespace = 'squirrly-users';
const scenarioLabel = 'squirrly.test/scenario';
const namespacedKinds = [
  ['/api/v1', 'pods'],
  ['/api/v1', 'services'],
  ['/api/v1', 'serviceaccounts'],
  ['/apis/flink.apache.org/v1beta1', 'flinkdeployments'],
  ['/apis/flink.apache.org/v1beta1', 'flinksessionjobs'],
  ['/apis/kwok.x-k8s.io/v1alpha1', 'execs'],
  ['/apis/kwok.x-k8s.io/v1alpha1', 'portforwards'],
  ['/apis/rbac.authorization.k8s.io/v1', 'roles'],
  ['/apis/rbac.authorization.k8s.io/v1', 'rolebindings'],
] as const;

/** what the plugin asks for; RBAC changes are waited for until the API server agrees on each */
const probes: AccessAttributes[] = [
  { verb: 'get', group: 'flink.apache.org', resource: 'flinkdeployments' },
  { verb: 'list', group: '', resource: 'pods' },
  { verb: 'get', group: '', resource: 'services' },
  { verb: 'get', group: '', resource: 'namespaces' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'portforward' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
];

type Subject = { kind: 'User'; name: string; apiGroup: 'rbac.authorization.k8s.io' } | { kind: 'ServiceAccount'; name: string; namespace: string };

function subjectName(subject: Subject): string {
  return subject.kind === 'User' ? subject.name : `system:serviceaccount:${subject.namespace}:${subject.name}`;
}

function policyRule(rule: RbacRule): object {
  return { apiGroups: rule.apiGroups, resources: rule.resources, verbs: rule.verbs };
}

function randomId(): string {
  return randomBytes(4).toString('hex');
}

export async function startRealScenario(spec: ScenarioSpec = {}): Promise<RealScenario> {
  const plane = await acquireControlPlane();
  const api = plane.admin;
  const id = randomId();
  const labels = { [scenarioLabel]: id };
  const root = await mkdtemp(join(tmpdir(), 'squirrly-realkube-scenario-'));
  const flinkSims = new Map<string, FlinkSim>();
  const namespaces = new Set<string>();
  const podsByKey = new Map<string, SimPod>();
  const credentials = new Map<string, UserCredentials>();
  const subjects = new Map<string, Subject>();
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  let stopped = false;

  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await Promise.allSettled([...flinkSims.values()].map((sim) => sim.stop()));
      await removeScenarioObjects(api, [...namespaces, usersNamespace], labels);
    } finally {
      await rm(root, { recursive: true, force: true });
      releaseControlPlane();
    }
  };

  /** RBAC for one subject: a ClusterRole for rules valid everywhere, a Role per namespace for the others */
  const bindRules = async (subject: Subject, rules: RbacRule[]) => {
    const name = `squirrly-${id}-${subject.name}`;
    const selector = `${scenarioLabel}=${id},squirrly.test/subject=${subject.name}`;
    await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?labelSelector=${encodeURIComponent(selector)}`);
    await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=${encodeURIComponent(selector)}`);
    for (const namespace of namespaces) {
      await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings?labelSelector=${encodeURIComponent(selector)}`);
      await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles?labelSelector=${encodeURIComponent(selector)}`);
    }
    const metadata = (namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { ...labels, 'squirrly.test/subject': subject.name } });
    const everywhere = rules.filter((r) => r.namespaces === undefined).map(policyRule);
    if (everywhere.length > 0) {
      await api.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: metadata(), rules: everywhere });
      await api.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata(),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subject],
      });
    }
    const perNamespace = new Map<string, object[]>();
    for (const rule of rules) for (const namespace of rule.namespaces ?? []) perNamespace.set(namespace, [...(perNamespace.get(namespace) ?? []), policyRule(rule)]);
    for (const [namespace, nsRules] of perNamespace) {
      await ensureNamespace(namespace);
      await api.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: metadata(namespace), rules: nsRules });
      await api.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: metadata(namespace),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject],
      });
    }
    // the authorizer reads RBAC from a cache: wait until it answers as the rules say
    const checkNamespace = [...namespaces][0] ?? 'default';
    await waitUntil(`RBAC of ${subject.name} to take effect`, async () => {
      for (const probe of probes) {
        const expected = isAllowed(rules, { ...probe, namespace: checkNamespace });
        const review = await api.create('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
          spec: {
            user: subjectName(subject),
            groups: subject.kind === 'ServiceAccount' ? ['system:serviceaccounts', `system:serviceaccounts:${subject.namespace}`, 'system:authenticated'] : ['system:authenticated'],
            resourceAttributes: { namespace: checkNamespace, verb: probe.verb, group: probe.group, resource: probe.resource, subresource: probe.subresource ?? '' },
          },
        });
        if (Boolean(review?.status?.allowed) !== expected) return undefined;
      }
      return true;
    }, 30_000, 100);
  };

  const ensureNamespace = async (namespace: string) => {
    if (namespaces.has(namespace)) return;
    namespaces.add(namespace);
    const answer = await api.send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    if (answer.status !== 201 && answer.status !== 409) throw new ApiError('POST', '/api/v1/namespaces', answer.status, answer.body);
  };

  try {
    const deployments = (spec.deployments ?? []).map(resolveDeployment);
    for (const namespace of [...(spec.namespaces ?? ['default', 'squirrly']), ...deployments.map((d) => d.namespace)]) await ensureNamespace(namespace);

    credentials.set(defaultUser, plane.users[defaultUser].token);
    subjects.set(defaultUser, { kind: 'User', name: defaultUser, apiGroup: 'rbac.authorization.k8s.io' });

    const addUser = async (name: string, rules: RbacRule[]) => {
      await ensureUsersNamespace(api);
      await api.create(`/api/v1/namespaces/${usersNamespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels } });
      const request = await api.create(`/api/v1/namespaces/${usersNamespace}/serviceaccounts/${name}/token`, {
        apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
      });
      const userToken = String(request.status.token);
      const subject: Subject = { kind: 'ServiceAccount', name, namespace: usersNamespace };
      credentials.set(name, userToken);
      subjects.set(name, subject);
      await bindRules(subject, rules);
      return userToken;
    };

    const created: ResolvedDeployment[] = [];
    for (const [index, d] of deployments.entries()) {
      const deployment = flinkDeploymentObject(d);
      await createWithStatus(api, `/apis/flink.apache.org/v1beta1/namespaces/${d.namespace}/flinkdeployments`, deployment, labels);
      if (d.session) await createWithStatus(api, `/apis/flink.apache.org/v1beta1/namespaces/${d.namespace}/flinksessionjobs`, sessionJobObject(d), labels);
      for (const service of serviceObjects(d)) {
        // the API server allocates ClusterIPs from its own range; headless stays headless
        if (service.spec?.['clusterIP'] !== 'None') delete service.spec?.['clusterIP'];
        await api.create(`/api/v1/namespaces/${d.namespace}/services`, withLabels(service, labels));
      }
      const pods = deploymentPods(d, index + 1, (name) => join(root, 'pods', d.namespace, name));
      for (const pod of pods) {
        await mkdir(join(pod.fsRoot, 'tmp'), { recursive: true });
        await mkdir(join(pod.fsRoot, 'opt', 'flink', 'log'), { recursive: true });
        podsByKey.set(key(pod.namespace, pod.name), pod);
        await api.create(`/apis/kwok.x-k8s.io/v1alpha1/namespaces/${pod.namespace}/execs`, execObject(pod, labels));
        await createPod(api, pod, labels);
      }
      created.push(d);
    }
    // kwok gives every pod it runs an address from its range; the Flink simulators report them
    for (const pod of podsByKey.values()) {
      if (pod.phase !== 'Running' || !pod.ready) continue;
      pod.ip = await waitUntil(`pod ${pod.namespace}/${pod.name} to run`, async () => {
        const current = await api.get(`/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`);
        return current?.status?.phase === 'Running' && current?.status?.podIP ? String(current.status.podIP) : undefined;
      }, 60_000, 100);
    }

    for (const d of created) {
      const pods = [...podsByKey.values()].filter((p) => p.namespace === d.namespace && p.labels['app'] === d.name);
      const jobManager = pods.find((p) => p.labels['component'] === 'jobmanager');
      const taskManagers = pods.filter((p) => p.labels['component'] === 'taskmanager');
      if (d.external || jobManager === undefined) continue;
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
        taskManagers: await Promise.all(taskManagers.map(async (pod) => ({ id: taskManagerResourceId(d, pod), ip: pod.ip, profilingDir: await profilingDirOf(pod) }))),
      });
      flinkSims.set(key(d.namespace, d.name), flink);
      await setForward(api, jobManager, restPort, { host: new URL(flink.url).hostname, port: flink.port }, labels);
    }

    await bindRules(subjects.get(defaultUser)!, spec.rbac ?? allowEverything);
    for (const [name, rules] of Object.entries(spec.users ?? {})) await addUser(name, rules);

    const contextNamespace = deployments[0]?.namespace ?? 'squirrly';
    const writeKubeconfig = (options: RealKubeconfigOptions = {}) => {
      const user = options.user ?? defaultUser;
      const userCredentials = credentials.get(user);
      if (userCredentials === undefined) throw new Error(`unknown scenario user ${user}`);
      const path = join(root, `kubeconfig-${randomId()}.yaml`);
      writeFileSync(path, kubeconfigYaml(plane.server, plane.caPem, user, userCredentials, options.context ?? clusterName, options.namespace ?? contextNamespace), { mode: 0o600 });
      return path;
    };
    const kubeconfigPath = join(root, 'kubeconfig.yaml');
    await writeFile(kubeconfigPath, kubeconfigYaml(plane.server, plane.caPem, defaultUser, plane.users[defaultUser].token, clusterName, contextNamespace), { mode: 0o600 });

    const requirePod = (namespace: string, name: string) => {
      const pod = podsByKey.get(key(namespace, name));
      if (pod === undefined) throw new Error(`no pod ${namespace}/${name} in the scenario`);
      return pod;
    };
    return {
      kind: 'real',
      kubeconfigPath,
      server: plane.server,
      caPem: plane.caPem,
      token: plane.users[defaultUser].token,
      namespace: contextNamespace,
      controlPlane: plane,
      pods: (namespace) => [...podsByKey.values()].filter((p) => namespace === undefined || p.namespace === namespace),
      pod: (namespace, name) => podsByKey.get(key(namespace, name)),
      podFsRoot: (namespace, name) => requirePod(namespace, name).fsRoot,
      flink: (name, namespace = contextNamespace) => flinkSims.get(key(namespace, name)),
      async setPortTarget(namespace, pod, port, target) {
        await setForward(api, requirePod(namespace, pod), port, target, labels);
      },
      setRbac: (rules) => bindRules(subjects.get(defaultUser)!, rules),
      async deletePod(namespace, name) {
        requirePod(namespace, name);
        await api.remove(`/api/v1/namespaces/${namespace}/pods/${name}`, { gracePeriodSeconds: 0 });
        await waitUntil(`pod ${namespace}/${name} to be gone`, async () => ((await api.send('GET', `/api/v1/namespaces/${namespace}/pods/${name}`)).status === 404 ? true : undefined));
        podsByKey.delete(key(namespace, name));
      },
      async updateDeployment(namespace, name, mutate) {
        const path = `/apis/flink.apache.org/v1beta1/namespaces/${namespace}/flinkdeployments/${name}`;
        const current = (await api.send('GET', path));
        if (current.status === 404) throw new Error(`no FlinkDeployment ${namespace}/${name} in the scenario`);
        const changed = current.body as KubeObject;
        mutate(changed);
        const updated = await api.call('PUT', path, changed);
        await api.call('PUT', `${path}/status`, { ...updated, status: changed.status });
      },
      writeKubeconfig,
      addUser,
      async addCertificateUser(name, rules, groups = []) {
        credentials.set(name, await plane.pki.clientCertificate(name, groups));
        const subject: Subject = { kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' };
        subjects.set(name, subject);
        await bindRules(subject, rules);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function withLabels(object: KubeObject, labels: Record<string, string>): KubeObject {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...labels } } };
}

/** Creates a custom object, then writes its status through the status subresource (a create ignores it). */
async function createWithStatus(api: AdminApi, collection: string, object: KubeObject, labels: Record<string, string>): Promise<void> {
  const created = await api.create(collection, withLabels(object, labels));
  await api.call('PUT', `${collection}/${created.metadata.name}/status`, { ...created, status: object.status });
}

function execObject(pod: SimPod, labels: Record<string, string>): object {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Exec',
    metadata: { name: pod.name, namespace: pod.namespace, labels },
    spec: { execs: [{ local: { workDir: '/', envs: [{ name: 'SQUIRRLY_POD_ROOT', value: pod.fsRoot }] } }] },
  };
}

/** kwok dials `target` for port-forwards to this pod's `port`: one PortForward object per pod, replaced whole. */
async function setForward(api: AdminApi, pod: SimPod, port: number, target: { host: string; port: number }, labels: Record<string, string>): Promise<void> {
  pod.portTargets[port] = { host: target.host, port: target.port };
  const forwards = Object.entries(pod.portTargets).map(([p, t]) => ({ ports: [Number(p)], target: { address: t.host, port: t.port } }));
  const path = `/apis/kwok.x-k8s.io/v1alpha1/namespaces/${pod.namespace}/portforwards`;
  const existing = await api.send('GET', `${path}/${pod.name}`);
  const object = { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'PortForward', metadata: { name: pod.name, namespace: pod.namespace, labels }, spec: { forwards } };
  if (existing.status === 404) await api.create(path, object);
  else await api.call('PUT', `${path}/${pod.name}`, { ...object, metadata: { ...object.metadata, resourceVersion: existing.body.metadata.resourceVersion } });
}

/** A pod on the kwok node. Pods meant to be Running and Ready are left to kwok; the others keep the status given here. */
async function createPod(api: AdminApi, pod: SimPod, labels: Record<string, string>): Promise<void> {
  const held = pod.phase !== 'Running' || !pod.ready;
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: { ...pod.labels, ...labels, ...(held ? { [holdStatusLabel]: 'true' } : {}) } },
    spec: {
      nodeName,
      serviceAccountName: 'flink',
      containers: pod.containers.map((name, index) => ({
        name,
        image: pod.image ?? 'flink:latest',
        ...(index === 0 && pod.ports ? { ports: pod.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })) } : {}),
      })),
    },
  };
  const created = await api.create(`/api/v1/namespaces/${pod.namespace}/pods`, object);
  if (!held) return;
  const now = new Date().toISOString();
  await api.call('PUT', `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/status`, {
    ...created,
    status: {
      phase: pod.phase,
      conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False', lastTransitionTime: now }],
      ...(pod.phase === 'Running' ? { podIP: '127.42.255.1', podIPs: [{ ip: '127.42.255.1' }], hostIP: '127.0.0.1', startTime: now } : {}),
    },
  });
}

const usersNamespaceReady = new WeakMap<AdminApi, Promise<void>>();

function ensureUsersNamespace(api: AdminApi): Promise<void> {
  let ready = usersNamespaceReady.get(api);
  if (ready === undefined) {
    ready = api.send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: usersNamespace } }).then((answer) => {
      if (answer.status !== 201 && answer.status !== 409) throw new ApiError('POST', '/api/v1/namespaces', answer.status, answer.body);
    });
    usersNamespaceReady.set(api, ready);
  }
  return ready;
}

/** Deletes every object this scenario labelled, pods at once (grace 0), and waits until they are gone. */
async function removeScenarioObjects(api: AdminApi, namespaces: string[], labels: Record<string, string>): Promise<void> {
  const selector = encodeURIComponent(Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','));
  const options = { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 };
  for (const namespace of namespaces) {
    for (const [prefix, plural] of namespacedKinds) {
      // a namespace that never existed answers 404; nothing to delete there
      await api.call('DELETE', `${prefix}/namespaces/${namespace}/${plural}?labelSelector=${selector}`, plural === 'pods' ? options : undefined, { accept: [404] });
    }
  }
  await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?labelSelector=${selector}`);
  await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=${selector}`);
  await waitUntil('the scenario pods to be gone', async () => {
    for (const namespace of namespaces) {
      const left = await api.call('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`, undefined, { accept: [404] });
      if ((left?.items ?? []).length > 0) return undefined;
    }
    return true;
  }, 30_000, 100);
}
