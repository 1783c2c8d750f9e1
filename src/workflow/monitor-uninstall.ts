// `monitor uninstall`: deletes every object that carries one deployment's monitor labels, the
// CronJob first so no new run starts while its rights go away. Running it twice is harmless.
import type { Cluster, ManifestKind } from '../kube/cluster.ts';
import { monitorSelector } from './monitor-plan.ts';

const ORDER: readonly ManifestKind[] = ['CronJob', 'RoleBinding', 'Role', 'ServiceAccount'];

export interface DeletedObject {
  kind: ManifestKind;
  name: string;
  /** false: it disappeared between the list and the delete */
  deleted: boolean;
}

export async function uninstallMonitor(cluster: Cluster, deployment: string, onDeleted: (deleted: DeletedObject) => void = () => {}): Promise<DeletedObject[]> {
  const selector = monitorSelector(deployment);
  const done: DeletedObject[] = [];
  for (const kind of ORDER) {
    for (const name of await cluster.listObjectNames(kind, selector)) {
      const entry = { kind, name, deleted: await cluster.deleteObject(kind, name) };
      done.push(entry);
      onDeleted(entry);
    }
  }
  return done;
}
