// RBAC evaluation of a request's attributes against a user's rules (the subset of Kubernetes RBAC the tests need).
import type { RbacRule } from '../types.ts';

export interface AccessAttributes {
  verb: string;
  group: string;
  /** plural resource, e.g. 'pods' */
  resource: string;
  /** e.g. 'exec' for pods/exec */
  subresource?: string;
  /** '' or undefined for cluster-scoped requests */
  namespace?: string;
}

export const allowEverything: RbacRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

function includesOrWildcard(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function ruleAllows(rule: RbacRule, attributes: AccessAttributes): boolean {
  const resource = attributes.subresource === undefined ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  const namespaceAllowed =
    rule.namespaces === undefined ||
    (attributes.namespace !== undefined && attributes.namespace !== '' && rule.namespaces.includes(attributes.namespace));
  return (
    namespaceAllowed &&
    includesOrWildcard(rule.apiGroups, attributes.group) &&
    includesOrWildcard(rule.resources, resource) &&
    includesOrWildcard(rule.verbs, attributes.verb)
  );
}

export function isAllowed(rules: readonly RbacRule[], attributes: AccessAttributes): boolean {
  return rules.some((rule) => ruleAllows(rule, attributes));
}
