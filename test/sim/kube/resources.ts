// The resources the simulator serves and the legacy discovery documents kubectl and client-node read.

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in URLs
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

const readOnly = ['get', 'list', 'watch'];
const mutable = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
/** what kube-apiserver lists for a custom resource, in its order */
const customResource = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

export const resourceTypes: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, verbs: mutable, shortNames: ['po'], categories: ['all'] },
  { group: '', version: 'v1', resource: 'services', singularName: 'service', kind: 'Service', namespaced: true, verbs: readOnly, shortNames: ['svc'], categories: ['all'] },
  { group: '', version: 'v1', resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: readOnly, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'], shortNames: ['ns'] },
  { group: 'flink.apache.org', version: 'v1beta1', resource: 'flinkdeployments', singularName: 'flinkdeployment', kind: 'FlinkDeployment', namespaced: true, verbs: customResource, shortNames: ['flinkdep'] },
  { group: 'flink.apache.org', version: 'v1beta1', resource: 'flinksessionjobs', singularName: 'flinksessionjob', kind: 'FlinkSessionJob', namespaced: true, verbs: customResource, shortNames: ['sessionjob'] },
];

/** Subresources listed in discovery; they are served by the exec, port-forward and service proxy handlers. */
const subresources: Array<{ group: string; name: string; kind: string; verbs: string[]; groupVersion?: { group: string; version: string } }> = [
  { group: '', name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { group: '', name: 'pods/portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  { group: '', name: 'services/proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  { group: 'flink.apache.org', name: 'flinkdeployments/status', kind: 'FlinkDeployment', verbs: ['get', 'patch', 'update'] },
  // the operator's CRD declares a scale subresource (spec.taskManager.replicas)
  { group: 'flink.apache.org', name: 'flinkdeployments/scale', kind: 'Scale', verbs: ['get', 'patch', 'update'], groupVersion: { group: 'autoscaling', version: 'v1' } },
  { group: 'flink.apache.org', name: 'flinksessionjobs/status', kind: 'FlinkSessionJob', verbs: ['get', 'patch', 'update'] },
];

const authorizationGroup = 'authorization.k8s.io';

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function versionDocument(): object {
  return {
    major: '1',
    minor: '37',
    emulationMajor: '1',
    emulationMinor: '37',
    minCompatibilityMajor: '1',
    minCompatibilityMinor: '36',
    gitVersion: 'v1.37.2',
    gitCommit: 'b1a3c2e0f4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
    gitTreeState: 'clean',
    buildDate: '2026-11-12T09:14:05Z',
    goVersion: 'go1.26.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersionsDocument(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of resourceTypes) {
    if (t.group !== '') seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
  }
  seen.set(`${authorizationGroup}/v1`, { group: authorizationGroup, version: 'v1' });
  return [...seen.values()];
}

export function groupListDocument(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions().map(({ group, version }) => {
      const groupVersion = { groupVersion: `${group}/${version}`, version };
      return { name: group, versions: [groupVersion], preferredVersion: groupVersion };
    }),
  };
}

/** The APIResourceList of one group/version, or undefined when the simulator does not serve it. */
export function resourceListDocument(group: string, version: string): object | undefined {
  const groupVersion = group === '' ? version : `${group}/${version}`;
  if (group === authorizationGroup && version === 'v1') {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: [
        { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
      ],
    };
  }
  const types = resourceTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: object[] = types.map((t) => ({
    name: t.resource,
    singularName: t.singularName,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    ...(t.shortNames === undefined ? {} : { shortNames: t.shortNames }),
    ...(t.categories === undefined ? {} : { categories: t.categories }),
  }));
  for (const sub of subresources.filter((s) => s.group === group)) {
    resources.push({ name: sub.name, singularName: '', namespaced: true, ...(sub.groupVersion ?? {}), kind: sub.kind, verbs: sub.verbs });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
