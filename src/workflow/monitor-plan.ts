// `monitor install` as data: the ServiceAccount, Role, RoleBinding and CronJob that run `profile`
// on a schedule inside the cluster. Assembling is pure (printing and applying share it); the
// labels here are how status and uninstall find exactly these objects again.
import { createHash } from 'node:crypto';
import type { ManifestObject } from '../kube/cluster.ts';
import { policyRules } from './doctor-rbac.ts';
import { monitorPermissions } from './monitor-permissions.ts';
import type { RestVia } from './rest-transport.ts';

export const MONITOR_APP = 'squirrly-monitor';
export const MANAGED_BY = 'kubectl-squirrly';
/** names the FlinkDeployment a monitor profiles */
export const DEPLOYMENT_LABEL = 'squirrly/deployment';
/** the field manager of server-side apply: the plugin owns the fields it writes */
export const FIELD_MANAGER = 'kubectl-squirrly';

/** The CronJob controller appends an 11-character suffix to Job names, which must stay within 63. */
const MAX_CRONJOB_NAME = 52;
const NAME_PREFIX = `${MONITOR_APP}-`;

/** Where the pod writes: an emptyDir, since the root filesystem is read-only. */
export const POD_OUTPUT_DIR = '/var/lib/squirrly';
/** A UID outside the usual system range that no image's root maps to. */
export const MONITOR_UID = 65532;

/** Time on top of --duration for the trigger, the download and the analysis before the Job is stopped. */
const JOB_MARGIN_SECONDS = 600;
/** A run that could not start within this long after its time is skipped, not started late. */
const STARTING_DEADLINE_SECONDS = 300;

export interface MonitorSettings {
  /** as the user wrote it (NAME, flinkdep/NAME, flinksessionjob/NAME) */
  deploymentRef: string;
  /** the name part of deploymentRef */
  deployment: string;
  sessionJob: boolean;
  namespace: string;
  schedule: string;
  /** spec.timeZone: the schedule's zone, else the controller's */
  timeZone?: string;
  image: string;
  via: RestVia;
  /** seconds of profiling per run (for the Job's deadline) */
  durationSeconds: number;
  /** `profile` flags after the deployment, already checked, e.g. ['--type', 'ALLOC'] */
  profileFlags: string[];
  push?: string;
  /** a Secret whose keys become the container's environment (the model key, push credentials) */
  secret?: string;
}

export interface MonitorPlan {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  objects: ManifestObject[];
}

/** The selector that finds every monitor, or one deployment's. */
export function monitorSelector(deployment?: string): string {
  return [`app.kubernetes.io/name=${MONITOR_APP}`, `app.kubernetes.io/managed-by=${MANAGED_BY}`, ...(deployment ? [`${DEPLOYMENT_LABEL}=${deployment}`] : [])].join(',');
}

/** squirrly-monitor-<deployment>, shortened with a hash of the full name when it would pass 52 characters. */
export function monitorName(deployment: string): string {
  const full = `${NAME_PREFIX}${deployment}`;
  if (full.length <= MAX_CRONJOB_NAME) return full;
  const hash = createHash('sha256').update(deployment).digest('hex').slice(0, 8);
  const room = MAX_CRONJOB_NAME - NAME_PREFIX.length - hash.length - 1;
  return `${NAME_PREFIX}${deployment.slice(0, room).replace(/[-.]+$/, '')}-${hash}`;
}

export function monitorArgs(settings: MonitorSettings): string[] {
  return [
    'profile', settings.deploymentRef, '-n', settings.namespace,
    '--output-dir', `${POD_OUTPUT_DIR}/artifacts`,
    ...settings.profileFlags,
    ...(settings.push ? ['--push', settings.push] : []),
  ];
}

export function assembleMonitor(settings: MonitorSettings): MonitorPlan {
  const name = monitorName(settings.deployment);
  const { namespace } = settings;
  const labels = { 'app.kubernetes.io/name': MONITOR_APP, 'app.kubernetes.io/managed-by': MANAGED_BY, [DEPLOYMENT_LABEL]: settings.deployment };
  const metadata = { name, namespace, labels };
  const serviceAccount: ManifestObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata };
  const role: ManifestObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata,
    rules: policyRules(monitorPermissions({ via: settings.via, sessionJob: settings.sessionJob })),
  };
  const roleBinding: ManifestObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };
  const cronJob: ManifestObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata,
    spec: {
      schedule: settings.schedule,
      ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          // a failed run is reported by the next one, not retried: a retry would profile a different moment
          backoffLimit: 0,
          activeDeadlineSeconds: settings.durationSeconds + JOB_MARGIN_SECONDS,
          template: {
            metadata: { labels },
            spec: podSpec(settings, name),
          },
        },
      },
    },
  };
  return { name, namespace, labels, objects: [serviceAccount, role, roleBinding, cronJob] };
}

function podSpec(settings: MonitorSettings, serviceAccount: string): object {
  return {
    serviceAccountName: serviceAccount,
    restartPolicy: 'Never',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: MONITOR_UID,
      runAsGroup: MONITOR_UID,
      fsGroup: MONITOR_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'squirrly',
        image: settings.image,
        args: monitorArgs(settings),
        // the plugin reads ~/.kube and writes nothing else outside the output folder and /tmp
        env: [{ name: 'HOME', value: '/tmp' }],
        ...(settings.secret ? { envFrom: [{ secretRef: { name: settings.secret } }] } : {}),
        resources: {
          requests: { cpu: '100m', memory: '256Mi' },
          limits: { cpu: '1', memory: '1Gi' },
        },
        securityContext: {
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'output', mountPath: POD_OUTPUT_DIR },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'output', emptyDir: { sizeLimit: '2Gi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ],
  };
}
