// Maps request paths onto what they address: discovery documents, SelfSubjectAccessReviews or resources.
import { findResourceType, type ResourceType } from './resources.ts';

export type Route =
  | { kind: 'version' }
  | { kind: 'coreVersions' }
  | { kind: 'groupList' }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'selfSubjectAccessReview' }
  /** a collection or one object; `namespace` undefined = cluster scope (all namespaces for namespaced types) */
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string; subresource?: string }
  /** `/api/v1/namespaces/{ns}/services/[scheme:]{name}[:{port}]/proxy/{path}`; `path` stays URL-encoded */
  | { kind: 'serviceProxy'; namespace: string; service: string; port?: string; path: string; scheme?: 'http' | 'https' }
  | { kind: 'unknown' };

const unknown: Route = { kind: 'unknown' };

function resourceRoute(group: string, version: string, rest: string[]): Route {
  const [first, second, third, fourth, fifth, ...extra] = rest;
  if (first === undefined || extra.length > 0) return unknown;
  const typeOf = (resource: string) => findResourceType(group, version, resource);
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const type = typeOf(third);
    if (type === undefined || !type.namespaced) return unknown;
    return {
      kind: 'resource',
      type,
      namespace: second,
      ...(fourth === undefined ? {} : { name: fourth }),
      ...(fifth === undefined ? {} : { subresource: fifth }),
    };
  }
  if (third !== undefined) return unknown;
  const type = typeOf(first);
  if (type === undefined) return unknown;
  if (second === undefined) return { kind: 'resource', type };
  // a name at cluster scope only makes sense for cluster-scoped types (GET /api/v1/namespaces/{ns})
  return type.namespaced ? unknown : { kind: 'resource', type, name: second };
}

const serviceProxyPath = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

/** `name`, `name:port` or `scheme:name:port`, as the real API server reads the id of a service proxy. */
function serviceProxyRoute(pathname: string): Route | undefined {
  const match = serviceProxyPath.exec(pathname);
  if (match === null) return undefined;
  try {
    const namespace = decodeURIComponent(match[1]!);
    const parts = decodeURIComponent(match[2]!).split(':');
    const [service, port] = parts.length === 3 ? [parts[1]!, parts[2]!] : [parts[0]!, parts[1]];
    const scheme = parts.length === 3 ? parts[0] : undefined;
    if (service === '' || parts.length > 3 || (scheme !== undefined && scheme !== '' && scheme !== 'http' && scheme !== 'https')) return unknown;
    return {
      kind: 'serviceProxy', namespace, service, ...(port === undefined || port === '' ? {} : { port }), path: match[3] ?? '/',
      ...(scheme === 'http' || scheme === 'https' ? { scheme } : {}),
    };
  } catch {
    return unknown;
  }
}

export function parseRoute(pathname: string): Route {
  const proxy = serviceProxyRoute(pathname);
  if (proxy !== undefined) return proxy;
  let segments: string[];
  try {
    segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return unknown;
  }
  const [root, a, b, c, ...rest] = segments;
  if (root === 'version' && a === undefined) return { kind: 'version' };
  if (root === 'api') {
    if (a === undefined) return { kind: 'coreVersions' };
    if (b === undefined) return { kind: 'resourceList', group: '', version: a };
    return resourceRoute('', a, segments.slice(2));
  }
  if (root === 'apis') {
    if (a === undefined) return { kind: 'groupList' };
    if (b === undefined) return unknown;
    if (c === undefined) return { kind: 'resourceList', group: a, version: b };
    if (a === 'authorization.k8s.io' && b === 'v1' && c === 'selfsubjectaccessreviews' && rest.length === 0) {
      return { kind: 'selfSubjectAccessReview' };
    }
    return resourceRoute(a, b, segments.slice(3));
  }
  return unknown;
}
