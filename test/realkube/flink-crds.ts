// The Flink Kubernetes Operator's FlinkDeployment and FlinkSessionJob CRDs (flink.apache.org/v1beta1),
// written from the operator's published schema: the same names, enums, printer columns and subresources,
// with the pod templates left open (the operator's copy of the Pod schema is most of its 590 KB).
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const strMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const enumOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
const object = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });

const flinkVersions = ['v1_13', 'v1_14', 'v1_15', 'v1_16', 'v1_17', 'v1_18', 'v1_19', 'v1_20', 'v2_0', 'v2_1', 'v2_2', 'v2_3', 'v2_4'];

const jobSpec = object({
  jarURI: str,
  parallelism: int,
  entryClass: str,
  args: { type: 'array', items: str },
  state: enumOf('running', 'suspended'),
  savepointTriggerNonce: int,
  initialSavepointPath: str,
  checkpointTriggerNonce: int,
  upgradeMode: enumOf('last-state', 'savepoint', 'stateless'),
  allowNonRestoredState: { type: 'boolean' },
  savepointRedeployNonce: int,
  autoscalerResetNonce: int,
});

const resource = object({ cpu: { type: 'number' }, memory: str, ephemeralStorage: str });

const componentSpec = object({
  resource,
  resources: open,
  replicas: int,
  podTemplate: open,
});

const snapshotInfo = (formats: string[]): Schema =>
  object({
    triggerId: str,
    triggerTimestamp: int,
    triggerType: enumOf('MANUAL', 'PERIODIC', 'UNKNOWN', 'UPGRADE'),
    formatType: enumOf(...formats),
    lastSavepoint: open,
    lastCheckpoint: open,
    savepointHistory: { type: 'array', items: open },
    lastPeriodicSavepointTimestamp: int,
    lastPeriodicCheckpointTimestamp: int,
  });

const jobStatus = object({
  jobName: str,
  jobId: str,
  state: enumOf('CANCELED', 'CANCELLING', 'CREATED', 'FAILED', 'FAILING', 'FINISHED', 'INITIALIZING', 'RECONCILING', 'RESTARTING', 'RUNNING', 'SUSPENDED'),
  startTime: str,
  updateTime: str,
  upgradeSavepointPath: str,
  savepointInfo: snapshotInfo(['CANONICAL', 'NATIVE', 'UNKNOWN']),
  checkpointInfo: snapshotInfo(['FULL', 'INCREMENTAL', 'UNKNOWN']),
});

const commonStatus: Record<string, Schema> = {
  jobStatus,
  error: str,
  observedGeneration: int,
  lifecycleState: enumOf('CREATED', 'DELETED', 'DELETING', 'DEPLOYED', 'FAILED', 'ROLLED_BACK', 'ROLLING_BACK', 'STABLE', 'SUSPENDED', 'UPGRADING'),
  reconciliationStatus: object({
    reconciliationTimestamp: int,
    lastReconciledSpec: str,
    lastStableSpec: str,
    state: enumOf('DEPLOYED', 'ROLLED_BACK', 'ROLLING_BACK', 'UPGRADING'),
  }),
};

const printerColumns = [
  { jsonPath: '.status.jobStatus.state', name: 'Job Status', type: 'string' },
  { jsonPath: '.status.lifecycleState', name: 'Lifecycle State', type: 'string' },
];

function crd(kind: string, plural: string, shortName: string, spec: Schema, status: Schema, subresources: Schema): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.flink.apache.org` },
    spec: {
      group: 'flink.apache.org',
      names: { kind, plural, singular: kind.toLowerCase(), shortNames: [shortName] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          additionalPrinterColumns: printerColumns,
          subresources,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec, status } } },
        },
      ],
    },
  };
}

export const flinkDeploymentCrd = crd(
  'FlinkDeployment',
  'flinkdeployments',
  'flinkdep',
  object({
    job: jobSpec,
    restartNonce: int,
    flinkConfiguration: { 'x-kubernetes-preserve-unknown-fields': true },
    image: str,
    imagePullPolicy: str,
    serviceAccount: str,
    flinkVersion: enumOf(...flinkVersions),
    ingress: object({ template: str, className: str, annotations: strMap, labels: strMap, tls: { type: 'array', items: open } }),
    podTemplate: open,
    jobManager: componentSpec,
    taskManager: componentSpec,
    logConfiguration: strMap,
    mode: enumOf('native', 'standalone'),
  }),
  object({
    ...commonStatus,
    clusterInfo: strMap,
    jobManagerDeploymentStatus: enumOf('DEPLOYED_NOT_READY', 'DEPLOYING', 'ERROR', 'MISSING', 'READY'),
    taskManager: object({ labelSelector: str, replicas: int }),
    conditions: { type: 'array', items: open },
  }),
  {
    status: {},
    scale: { labelSelectorPath: '.status.taskManager.labelSelector', specReplicasPath: '.spec.taskManager.replicas', statusReplicasPath: '.status.taskManager.replicas' },
  },
);

export const flinkSessionJobCrd = crd(
  'FlinkSessionJob',
  'flinksessionjobs',
  'sessionjob',
  object({ deploymentName: str, job: jobSpec, restartNonce: int, flinkConfiguration: { 'x-kubernetes-preserve-unknown-fields': true } }),
  object(commonStatus),
  { status: {} },
);
