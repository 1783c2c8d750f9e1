// The cluster the plugin suites run on: the project's Kubernetes simulator by default, or the real
// control plane (kube-apiserver + etcd + kwok) when SQUIRRLY_CLUSTER=realkube. Both take the same
// scenario declaration, so one test body runs on either; what only the simulator can do (injected
// Kubernetes faults, the services proxy) is skipped on the real one with `simOnly`.
import type { FlinkSim } from '../sim/flink/cluster.ts';
import type { KubeObject } from '../sim/kube/objects.ts';
import { startScenario as startSimScenario } from '../sim/scenario.ts';
import type { RbacRule, ScenarioSpec, SimPod } from '../sim/types.ts';
import { realKubeSkipReason } from '../realkube/control-plane.ts';
import { startRealScenario } from '../realkube/scenario.ts';

export type ClusterKind = 'sim' | 'realkube';

export const clusterKind: ClusterKind = process.env['SQUIRRLY_CLUSTER'] === 'realkube' ? 'realkube' : 'sim';
export const onRealCluster = clusterKind === 'realkube';

/** What the suites may use on either cluster. Changes return a promise on the real one: await them. */
export interface TestScenario {
  readonly kubeconfigPath: string;
  readonly server: string;
  /** the CA that signed the API server's certificate, PEM */
  readonly caPem: string;
  readonly token: string;
  readonly namespace: string;
  pods(namespace?: string): SimPod[];
  /** the pod as declared; on the simulator its fields (execError) are live fault hooks */
  pod(namespace: string, name: string): SimPod | undefined;
  podFsRoot(namespace: string, name: string): string;
  flink(name: string, namespace?: string): FlinkSim | undefined;
  setPortTarget(namespace: string, pod: string, port: number, target: { host: string; port: number }): void | Promise<void>;
  setRbac(rules: RbacRule[]): void | Promise<void>;
  deletePod(namespace: string, name: string): void | Promise<void>;
  updateDeployment(namespace: string, name: string, mutate: (deployment: KubeObject) => void): void | Promise<void>;
  writeKubeconfig(options?: { user?: string; namespace?: string; context?: string }): string;
  addUser(name: string, rules: RbacRule[]): string | Promise<string>;
  stop(): Promise<void>;
}

export function startScenario(spec: ScenarioSpec = {}): Promise<TestScenario> {
  return onRealCluster ? startRealScenario(spec) : startSimScenario(spec);
}

/** `{ skip: simOnly('why') }`: a test of something only the simulator can stage. */
export function simOnly(reason: string): string | false {
  return onRealCluster ? `simulator only: ${reason}` : false;
}

/**
 * Skip reason for a suite on the selected cluster: on the real one when its binaries were never built
 * (an error under CI, where the tier must not pass by skipping).
 */
export function clusterSkipReason(): string | undefined {
  return onRealCluster ? realKubeSkipReason() : undefined;
}
