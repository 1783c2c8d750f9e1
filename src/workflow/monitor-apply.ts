// `monitor install --apply`: the plan's objects server-side applied in order (the ServiceAccount
// and its rights before the CronJob that uses them), each reported as kubectl reports it.
import { SquirrlyError } from '../errors.ts';
import { statusCode } from '../kube/api-errors.ts';
import type { ApplyOutcome, Cluster, ManifestKind } from '../kube/cluster.ts';
import { FIELD_MANAGER, type MonitorPlan } from './monitor-plan.ts';

export interface AppliedObject {
  kind: ManifestKind;
  name: string;
  outcome: ApplyOutcome;
}

export async function applyMonitor(cluster: Cluster, plan: MonitorPlan, onApplied: (applied: AppliedObject) => void = () => {}): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  for (const object of plan.objects) {
    const outcome = await cluster.applyObject(object, FIELD_MANAGER).catch((err: unknown) => {
      throw statusCode(err) === 403 ? refused(object.kind, err, plan.namespace) : err;
    });
    const entry = { kind: object.kind, name: object.metadata.name, outcome };
    applied.push(entry);
    onApplied(entry);
  }
  return applied;
}

/**
 * Installing needs more than profiling: writing the four kinds, and holding every permission the
 * Role grants (RBAC lets nobody grant what they do not have).
 */
function refused(kind: ManifestKind, err: unknown, namespace: string): SquirrlyError {
  const said = err instanceof Error ? err.message : String(err);
  return new SquirrlyError(`cannot apply the monitor's ${kind} in namespace ${namespace}: ${said}`, {
    hint: `installing needs get and patch on serviceaccounts, roles, rolebindings and cronjobs in ${namespace}, and every permission the printed Role grants; or have an admin apply the printed manifests (omit --apply)`,
    cause: err,
  });
}
