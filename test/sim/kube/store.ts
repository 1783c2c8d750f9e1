// In-memory cluster state: namespaces, simulated pods and the other objects, with a global resourceVersion.
import { randomUUID } from 'node:crypto';
import type { SimPod } from '../types.ts';
import { podObject, type KubeObject, type PodMeta } from './objects.ts';

type StoredResource = 'services' | 'configmaps' | 'flinkdeployments' | 'flinksessionjobs';

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class ClusterStore {
  #revision = 1000;
  readonly #namespaces = new Map<string, KubeObject>();
  readonly #pods = new Map<string, { pod: SimPod; meta: PodMeta }>();
  readonly #objects = new Map<StoredResource, Map<string, KubeObject>>();

  /** The current resourceVersion, as lists report it. */
  get resourceVersion(): string {
    return String(this.#revision);
  }

  #nextRevision(): string {
    this.#revision += 1;
    return String(this.#revision);
  }

  addNamespace(name: string): void {
    if (this.#namespaces.has(name)) return;
    this.#namespaces.set(name, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: randomUUID(),
        resourceVersion: this.#nextRevision(),
        creationTimestamp: new Date().toISOString(),
        labels: { 'kubernetes.io/metadata.name': name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  namespace(name: string): KubeObject | undefined {
    return this.#namespaces.get(name);
  }

  namespaces(): KubeObject[] {
    return [...this.#namespaces.values()];
  }

  addPod(pod: SimPod): void {
    this.addNamespace(pod.namespace);
    const meta = { uid: randomUUID(), resourceVersion: this.#nextRevision(), creationTimestamp: new Date().toISOString() };
    this.#pods.set(objectKey(pod.namespace, pod.name), { pod, meta });
  }

  /** The live simulated pod: tests may change its fields (ready, phase, portTargets) in place. */
  simPod(namespace: string, name: string): SimPod | undefined {
    return this.#pods.get(objectKey(namespace, name))?.pod;
  }

  simPods(namespace?: string): SimPod[] {
    return [...this.#pods.values()].map((p) => p.pod).filter((p) => namespace === undefined || p.namespace === namespace);
  }

  deletePod(namespace: string, name: string): boolean {
    const deleted = this.#pods.delete(objectKey(namespace, name));
    if (deleted) this.#nextRevision();
    return deleted;
  }

  podObjects(namespace?: string): KubeObject[] {
    return [...this.#pods.values()]
      .filter(({ pod }) => namespace === undefined || pod.namespace === namespace)
      .map(({ pod, meta }) => podObject(pod, meta));
  }

  podObject(namespace: string, name: string): KubeObject | undefined {
    const entry = this.#pods.get(objectKey(namespace, name));
    return entry === undefined ? undefined : podObject(entry.pod, entry.meta);
  }

  #bucket(resource: StoredResource): Map<string, KubeObject> {
    let bucket = this.#objects.get(resource);
    if (bucket === undefined) {
      bucket = new Map();
      this.#objects.set(resource, bucket);
    }
    return bucket;
  }

  /** Stores an object, filling in the metadata the API server owns. */
  put(resource: StoredResource, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? 'default';
    this.addNamespace(namespace);
    const stored: KubeObject = {
      ...object,
      metadata: {
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString(),
        generation: 1,
        ...object.metadata,
        namespace,
        resourceVersion: this.#nextRevision(),
      },
    };
    this.#bucket(resource).set(objectKey(namespace, object.metadata.name), stored);
    return stored;
  }

  get(resource: StoredResource, namespace: string, name: string): KubeObject | undefined {
    return this.#bucket(resource).get(objectKey(namespace, name));
  }

  list(resource: StoredResource, namespace?: string): KubeObject[] {
    return [...this.#bucket(resource).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  /** Applies `mutate` to the stored object and bumps its resourceVersion; false when it does not exist. */
  update(resource: StoredResource, namespace: string, name: string, mutate: (object: KubeObject) => void): boolean {
    const object = this.get(resource, namespace, name);
    if (object === undefined) return false;
    mutate(object);
    object.metadata.resourceVersion = this.#nextRevision();
    return true;
  }
}

export function isStoredResource(resource: string): resource is StoredResource {
  return resource === 'services' || resource === 'configmaps' || resource === 'flinkdeployments' || resource === 'flinksessionjobs';
}
