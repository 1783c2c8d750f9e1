// What the plugin inside the monitor's pod may do: the permissions `doctor` checks, narrowed to
// what `profile` with the monitor's flags uses, so the installed Role and doctor cannot disagree.
import type { Permission } from './doctor-rbac.ts';
import { permissionsFor } from './doctor.ts';
import type { RestVia } from './rest-transport.ts';

export interface MonitorAccess {
  via: RestVia;
  /** the deployment was named as flinksessionjob/NAME: its session cluster is looked up */
  sessionJob: boolean;
}

/**
 * Every required permission for the way in, plus the optional ones `profile` uses on its own:
 * the HA leader's ConfigMap, the service's ports behind the services proxy, exec for the download
 * fallback. Left out: listing FlinkDeployments (only to name alternatives in an error message).
 */
export function monitorPermissions(access: MonitorAccess): Permission[] {
  return permissionsFor(access.via).filter((p) => p.required || usedByProfile(p, access));
}

function usedByProfile(p: Permission, access: MonitorAccess): boolean {
  if (p.resource === 'configmaps') return true;
  if (p.resource === 'pods' && p.subresource === 'exec') return true;
  if (p.resource === 'flinksessionjobs') return access.sessionJob;
  if (p.resource === 'services' && p.subresource === undefined) return access.via !== 'port-forward';
  return false;
}
