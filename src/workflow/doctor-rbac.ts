// Every Kubernetes permission the plugin uses, and the namespace-scoped Role that grants a set of
// them. krew/rbac.yaml holds the Role for all of them; a unit test keeps the two identical.
import { FLINK_GROUP, type AccessCheck } from '../kube/cluster.ts';

export interface Permission extends AccessCheck {
  /** `profile` cannot work without it (fail); otherwise one feature is lost (warn) */
  required: boolean;
  /** what the plugin does with it */
  usedFor: string;
}

// Namespaces are cluster-scoped: `get namespaces` is left out on purpose (the plugin copes with a 403 there).
// Port-forward and exec are WebSocket upgrades, which are GET requests: the API server authorizes `get` for
// the request and, since Kubernetes 1.35, `create` on top, so both verbs are needed.
export const PERMISSIONS: readonly Permission[] = [
  { verb: 'get', group: FLINK_GROUP, resource: 'flinkdeployments', required: true, usedFor: 'read the FlinkDeployment' },
  { verb: 'list', group: FLINK_GROUP, resource: 'flinkdeployments', required: false, usedFor: 'name the deployments that exist when one is not found' },
  { verb: 'get', group: FLINK_GROUP, resource: 'flinksessionjobs', required: false, usedFor: 'resolve flinksessionjob/NAME to its session cluster' },
  { verb: 'list', group: '', resource: 'pods', required: true, usedFor: 'find the JobManager and TaskManager pods' },
  { verb: 'get', group: '', resource: 'configmaps', required: false, usedFor: 'find the REST leader among several JobManagers (Kubernetes HA)' },
  { verb: 'get', group: '', resource: 'services', required: false, usedFor: 'reach the REST API through the <name>-rest service with --via proxy or direct' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'portforward', required: true, usedFor: 'reach the Flink REST API' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', required: true, usedFor: 'reach the Flink REST API' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'exec', required: false, usedFor: 'download fallback and the disk scan of `artifacts`' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'exec', required: false, usedFor: 'download fallback and the disk scan of `artifacts`' },
];

export const ROLE_NAME = 'squirrly';

export function permissionText(p: AccessCheck): string {
  return `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`;
}

/** One PolicyRule of a Role, as the API server takes it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The rules granting exactly these permissions, one rule per API group and verb set. */
export function policyRules(permissions: readonly AccessCheck[]): PolicyRule[] {
  const verbsByResource = new Map<string, { group: string; resource: string; verbs: string[] }>();
  for (const p of permissions) {
    const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
    const key = `${p.group}|${resource}`;
    const entry = verbsByResource.get(key) ?? { group: p.group, resource, verbs: [] };
    if (!entry.verbs.includes(p.verb)) entry.verbs.push(p.verb);
    verbsByResource.set(key, entry);
  }
  const rules = new Map<string, PolicyRule>();
  for (const { group, resource, verbs } of verbsByResource.values()) {
    const key = `${group}|${verbs.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [group], resources: [], verbs };
    rule.resources.push(resource);
    rules.set(key, rule);
  }
  return [...rules.values()];
}

/** The `rules:` list of policyRules as YAML. */
export function rulesYaml(permissions: readonly AccessCheck[]): string {
  const list = (items: string[]): string => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
  const lines = ['rules:'];
  for (const rule of policyRules(permissions)) {
    lines.push(`- apiGroups: ${list(rule.apiGroups)}`, `  resources: ${list(rule.resources)}`, `  verbs: ${list(rule.verbs)}`);
  }
  return lines.join('\n') + '\n';
}

export function roleYaml(permissions: readonly AccessCheck[], namespace: string): string {
  return ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata:', `  name: ${ROLE_NAME}`, `  namespace: ${namespace}`, ''].join('\n') + rulesYaml(permissions);
}

export function bindCommand(namespace: string): string {
  return `kubectl create rolebinding ${ROLE_NAME} -n ${namespace} --role ${ROLE_NAME} --user YOUR_USER   (or --serviceaccount NAMESPACE:NAME)`;
}
