// JSON shapes of the objects the simulator stores and serves.
import type { SimPod } from '../types.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Any Kubernetes object; spec and status stay loosely typed so tests can mutate them freely. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, any>;
  status?: Record<string, any>;
  [key: string]: unknown;
}

/** Bookkeeping the API server adds to a simulated pod. */
export interface PodMeta {
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
}

/** The v1 Pod the API server returns for a simulated pod, generated from its current state. */
export function podObject(pod: SimPod, meta: PodMeta): KubeObject {
  const image = pod.image ?? 'flink:latest';
  const running = pod.phase === 'Running';
  const readyStatus = pod.ready ? 'True' : 'False';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
      labels: { ...pod.labels },
    },
    spec: {
      containers: pod.containers.map((name, index) => ({
        name,
        image,
        ...(index === 0 && pod.ports !== undefined
          ? { ports: pod.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })) }
          : {}),
      })),
      nodeName: 'squirrly-sim-node',
      restartPolicy: 'Always',
    },
    status: {
      phase: pod.phase,
      podIP: pod.ip,
      podIPs: [{ ip: pod.ip }],
      hostIP: '10.0.0.1',
      startTime: meta.creationTimestamp,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: meta.creationTimestamp },
        { type: 'Initialized', status: 'True', lastTransitionTime: meta.creationTimestamp },
        { type: 'ContainersReady', status: readyStatus, lastTransitionTime: meta.creationTimestamp },
        { type: 'Ready', status: readyStatus, lastTransitionTime: meta.creationTimestamp },
      ],
      containerStatuses: pod.containers.map((name) => ({
        name,
        image,
        imageID: '',
        ready: pod.ready,
        restartCount: 0,
        started: running,
        state: running ? { running: { startedAt: meta.creationTimestamp } } : { waiting: { reason: 'ContainerCreating' } },
      })),
    },
  };
}
