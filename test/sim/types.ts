// Contracts between the parts of the test bed: the Kubernetes API simulator (test/sim/kube),
// the Flink JobManager REST simulator (test/sim/flink) and the scenario API that wires them.
import type { ProfilingMode } from '../../src/flamegraph/types.ts';

/** What a test declares. Every field but `deployments` has a default. */
export interface ScenarioSpec {
  /** namespaces that exist; those of the deployments are added. Default ['default', 'squirrly'] */
  namespaces?: string[];
  deployments?: DeploymentSpec[];
  /** RBAC of the kubeconfig's token. Default: everything allowed. */
  rbac?: RbacRule[];
  /** extra tokens (user name -> rules) for tests that switch users */
  users?: Record<string, RbacRule[]>;
  /** speed of the simulated profiler clock: 10 = a 10 s run finishes in 1 s. Default 1 */
  clockSpeed?: number;
}

export interface DeploymentSpec {
  name: string;
  namespace?: string; // default 'squirrly'
  flinkVersion?: string; // default '1.20.1'; '1.18.1' for the too-old case
  jobState?: string; // default 'RUNNING'
  /** status.jobManagerDeploymentStatus; default 'READY' */
  jobManagerStatus?: 'READY' | 'DEPLOYED_NOT_READY' | 'DEPLOYING' | 'MISSING' | 'ERROR';
  /** rest.profiling.enabled; default true */
  profiling?: boolean;
  taskManagers?: number; // default 2
  mode?: 'native' | 'standalone'; // default 'native'
  /** session cluster: no spec.job; default false */
  session?: boolean;
  /** rest.profiling.duration-max in seconds; default 300 */
  durationMax?: number;
  /** rest.profiling.history-size; default 10 */
  historySize?: number;
  /** modes that fail at start like the real profiler does (CPU: perf events; ALLOC: AllocTracer symbols) */
  failingModes?: ProfilingMode[];
  /** rest.profiling.dir inside the pods; default '/tmp' */
  profilingDir?: string;
  /** no Flink simulator: the test runs real Flink itself and wires it in with `scenario.setPortTarget` */
  external?: boolean;
  /**
   * JobManager replicas; with more than one, Kubernetes HA: the ConfigMap <name>-cluster-config-map
   * names the leader the way Flink writes it. Default 1
   */
  jobManagers?: number;
  /** which JobManager (0-based, in pod list order) holds the REST leadership; default the last one */
  restLeader?: number;
  /** the REST API over TLS, declared as security.ssl.rest.enabled (and, with clientCaPem, authentication-enabled) */
  restTls?: { certPem: string; keyPem: string; clientCaPem?: string };
}

export interface RbacRule {
  /** '' for core, 'flink.apache.org', 'authorization.k8s.io', or '*' */
  apiGroups: string[];
  /** 'pods', 'pods/exec', 'pods/portforward', 'services', 'namespaces', 'flinkdeployments', ... or '*' */
  resources: string[];
  /** 'get', 'list', 'watch', 'create', ... or '*' */
  verbs: string[];
  /** namespaces the rule applies in; omitted = all */
  namespaces?: string[];
}

/** A pod as the Kubernetes simulator serves and runs it. */
export interface SimPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  phase: 'Running' | 'Pending' | 'Failed';
  ready: boolean;
  containers: string[]; // first is 'flink-main-container'
  /** host folder that is this pod's filesystem root: <fsRoot>/tmp is /tmp, <fsRoot>/opt/flink is /opt/flink */
  fsRoot: string;
  /** container port -> where the simulator connects a port-forward to */
  portTargets: Record<number, { host: string; port: number }>;
  /** when set, exec in this pod is refused with this Status message (simulates a broken runtime) */
  execError?: string;
  /** image of every container; default 'flink:latest' */
  image?: string;
  /** ports declared on the first container, e.g. [{ name: 'rest', containerPort: 8081 }] */
  ports?: Array<{ name: string; containerPort: number }>;
}

/** Fault hooks of the Flink REST simulator, each applying to requests whose path matches `path`. */
export interface FlinkFault {
  /** substring or RegExp matched against the request path (without query) */
  path: string | RegExp;
  method?: string;
  /** how many requests it applies to; default Infinity */
  times?: number;
  kind:
    | { type: 'status'; status: number; body?: string } // e.g. 503
    | { type: 'delay'; ms: number }
    | { type: 'drop' } // destroy the socket without answering
    | { type: 'truncate'; bytes: number } // send headers + first N bytes of the body, then destroy
    | { type: 'trickle'; bytes: number; everyMs: number } // the real answer, `bytes` at a time every `everyMs`
    | { type: 'endless' } // 200, chunked, a body that never ends (until the client goes)
    | { type: 'outputFile'; name: string } // report this outputFile for runs that finish (hostile names)
    | { type: 'flameGraph'; html: string }; // write this page as the flame graph of runs started by it (runs that differ)
}
