// `monitor install --apply`: the plan's objects server-side applied in order (the ServiceAccount
// and its rights before the CronJob that uses them), each reported as kubectl reports it.
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
    const outcome = await cluster.applyObject(object, FIELD_MANAGER);
    const entry = { kind: object.kind, name: object.metadata.name, outcome };
    applied.push(entry);
    onApplied(entry);
  }
  return applied;
}
