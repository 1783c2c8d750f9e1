// The generated client-node calls behind each kind the plugin writes (the monitor's objects): read,
// server-side apply, list by label and delete, so the cluster adapter handles all kinds alike.
import type { ConfigurationOptions, KubeConfig } from './client-node.ts';
import type { ManifestKind, ManifestObject } from './cluster.ts';

/** A written object as the API server returns it: only what the adapter compares and reports. */
export interface StoredObject {
  metadata?: { name?: string; resourceVersion?: string };
}

export interface ObjectApi {
  /** the resource name in messages and RBAC: serviceaccounts, roles, ... */
  resource: string;
  read(name: string, namespace: string, options: ConfigurationOptions): Promise<StoredObject>;
  apply(object: ManifestObject, fieldManager: string, options: ConfigurationOptions): Promise<StoredObject>;
  list(labelSelector: string, namespace: string, options: ConfigurationOptions): Promise<{ items: StoredObject[] }>;
  remove(name: string, namespace: string, options: ConfigurationOptions): Promise<unknown>;
}

/**
 * Server-side apply: the generated patch methods send JSON, which is YAML too; the header says it
 * is an apply patch. Force stays off: a field another manager owns is a conflict to show, not to take.
 */
async function applyOptions(options: ConfigurationOptions): Promise<ConfigurationOptions> {
  const { setHeaderOptions } = await import('./client-node.ts');
  return setHeaderOptions('Content-Type', 'application/apply-patch+yaml', options);
}

/** A CronJob takes its Jobs and their pods with it; Background returns at once and lets the garbage collector work. */
const background = { propagationPolicy: 'Background' } as const;

export async function objectApi(kc: KubeConfig, kind: ManifestKind): Promise<ObjectApi> {
  const { BatchV1Api, CoreV1Api, RbacAuthorizationV1Api } = await import('./client-node.ts');
  switch (kind) {
    case 'ServiceAccount': {
      const api = kc.makeApiClient(CoreV1Api);
      return {
        resource: 'serviceaccounts',
        read: (name, namespace, options) => api.readNamespacedServiceAccount({ name, namespace }, options),
        apply: async (object, fieldManager, options) =>
          api.patchNamespacedServiceAccount({ name: object.metadata.name, namespace: object.metadata.namespace, body: object, fieldManager }, await applyOptions(options)),
        list: (labelSelector, namespace, options) => api.listNamespacedServiceAccount({ namespace, labelSelector }, options),
        remove: (name, namespace, options) => api.deleteNamespacedServiceAccount({ name, namespace }, options),
      };
    }
    case 'Role': {
      const api = kc.makeApiClient(RbacAuthorizationV1Api);
      return {
        resource: 'roles',
        read: (name, namespace, options) => api.readNamespacedRole({ name, namespace }, options),
        apply: async (object, fieldManager, options) =>
          api.patchNamespacedRole({ name: object.metadata.name, namespace: object.metadata.namespace, body: object, fieldManager }, await applyOptions(options)),
        list: (labelSelector, namespace, options) => api.listNamespacedRole({ namespace, labelSelector }, options),
        remove: (name, namespace, options) => api.deleteNamespacedRole({ name, namespace }, options),
      };
    }
    case 'RoleBinding': {
      const api = kc.makeApiClient(RbacAuthorizationV1Api);
      return {
        resource: 'rolebindings',
        read: (name, namespace, options) => api.readNamespacedRoleBinding({ name, namespace }, options),
        apply: async (object, fieldManager, options) =>
          api.patchNamespacedRoleBinding({ name: object.metadata.name, namespace: object.metadata.namespace, body: object, fieldManager }, await applyOptions(options)),
        list: (labelSelector, namespace, options) => api.listNamespacedRoleBinding({ namespace, labelSelector }, options),
        remove: (name, namespace, options) => api.deleteNamespacedRoleBinding({ name, namespace }, options),
      };
    }
    case 'CronJob': {
      const api = kc.makeApiClient(BatchV1Api);
      return {
        resource: 'cronjobs',
        read: (name, namespace, options) => api.readNamespacedCronJob({ name, namespace }, options),
        apply: async (object, fieldManager, options) =>
          api.patchNamespacedCronJob({ name: object.metadata.name, namespace: object.metadata.namespace, body: object, fieldManager }, await applyOptions(options)),
        list: (labelSelector, namespace, options) => api.listNamespacedCronJob({ namespace, labelSelector }, options),
        remove: (name, namespace, options) => api.deleteNamespacedCronJob({ name, namespace, ...background }, options),
      };
    }
  }
}
