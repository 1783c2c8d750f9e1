// The REST side of the API server: discovery, get/list with selectors, merge-patch and SelfSubjectAccessReview.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RbacRule } from '../types.ts';
import type { KubeObject } from './objects.ts';
import { isAllowed } from './rbac.ts';
import {
  apiVersionOf,
  coreVersionsDocument,
  groupListDocument,
  resourceListDocument,
  versionDocument,
  type ResourceType,
} from './resources.ts';
import type { Route } from './routes.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import {
  badRequest,
  forbidden,
  methodNotAllowed,
  notFound,
  sendJson,
  sendStatus,
  unsupportedMediaType,
  type KubeStatus,
} from './status.ts';
import { isStoredResource, type ClusterStore } from './store.ts';
import { proxyToService } from './service-proxy.ts';

export interface KubeUser {
  name: string;
  rules: RbacRule[];
}

export interface RestContext {
  store: ClusterStore;
  user: KubeUser;
  /** host:port clients use, for the /api document */
  serverAddress: string;
}

const maxBodyBytes = 1024 * 1024;

class RequestError extends Error {
  readonly status: KubeStatus;
  constructor(status: KubeStatus) {
    super(status.message);
    this.status = status;
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.includes('json')) throw new RequestError(unsupportedMediaType(contentType));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new RequestError(badRequest('request body too large'));
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new RequestError(badRequest(`error decoding request body: ${(error as Error).message}`));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function findObject(store: ClusterStore, type: ResourceType, namespace: string, name: string): KubeObject | undefined {
  if (type.resource === 'pods') return store.podObject(namespace, name);
  if (type.resource === 'namespaces') return store.namespace(name);
  return isStoredResource(type.resource) ? store.get(type.resource, namespace, name) : undefined;
}

function listObjects(store: ClusterStore, type: ResourceType, namespace: string | undefined): KubeObject[] {
  if (type.resource === 'pods') return store.podObjects(namespace);
  if (type.resource === 'namespaces') return store.namespaces();
  return isStoredResource(type.resource) ? store.list(type.resource, namespace) : [];
}

function selectObjects(objects: KubeObject[], query: URLSearchParams): KubeObject[] {
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  try {
    const labelsMatch = labelSelector ? parseLabelSelector(labelSelector) : () => true;
    const fieldsMatch = fieldSelector ? parseFieldSelector(fieldSelector) : () => true;
    return objects.filter(
      (o) =>
        labelsMatch(o.metadata.labels ?? {}) &&
        fieldsMatch({ 'metadata.name': o.metadata.name, 'metadata.namespace': o.metadata.namespace ?? '' }),
    );
  } catch (error) {
    if (error instanceof SelectorError) throw new RequestError(badRequest(error.message));
    throw error;
  }
}

function authorize(context: RestContext, type: ResourceType, verb: string, namespace: string | undefined, name?: string): void {
  const attributes = { verb, group: type.group, resource: type.resource, ...(namespace === undefined ? {} : { namespace }) };
  if (isAllowed(context.user.rules, attributes)) return;
  const subject = { resource: type.resource, group: type.group, ...(name === undefined ? {} : { name }) };
  throw new RequestError(forbidden(subject, { user: context.user.name, verb, ...(namespace === undefined ? {} : { namespace }) }));
}

function serveResource(context: RestContext, route: Extract<Route, { kind: 'resource' }>, query: URLSearchParams, res: ServerResponse): void {
  const { type, name } = route;
  // the namespace a request is about: for a Namespace object that is the object itself
  const namespace = type.resource === 'namespaces' ? name : route.namespace;
  if (query.get('watch') === 'true' || query.get('watch') === '1') throw new RequestError(methodNotAllowed());
  if (name !== undefined) {
    authorize(context, type, 'get', namespace, name);
    const object = findObject(context.store, type, namespace ?? '', name);
    if (object === undefined) throw new RequestError(notFound({ resource: type.resource, group: type.group, name }));
    sendJson(res, 200, object);
    return;
  }
  authorize(context, type, 'list', namespace);
  sendJson(res, 200, {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata: { resourceVersion: context.store.resourceVersion },
    items: selectObjects(listObjects(context.store, type, namespace), query),
  });
}

async function patchResource(context: RestContext, route: Extract<Route, { kind: 'resource' }>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { type, name, namespace } = route;
  if (name === undefined || namespace === undefined || !isStoredResource(type.resource) || type.resource === 'services' || type.resource === 'configmaps') {
    throw new RequestError(methodNotAllowed());
  }
  authorize(context, type, 'patch', namespace, name);
  if (!(req.headers['content-type'] ?? '').startsWith('application/merge-patch+json')) {
    throw new RequestError(unsupportedMediaType(req.headers['content-type'] ?? ''));
  }
  const patch = await readJsonBody(req);
  const updated = context.store.update(type.resource, namespace, name, (object) => {
    const patched = mergePatch(object, patch) as KubeObject;
    for (const key of Object.keys(object)) delete object[key];
    Object.assign(object, patched, { metadata: { ...patched.metadata, name, namespace } });
    if (isPlainObject(patch) && 'spec' in patch) object.metadata.generation = (object.metadata.generation ?? 1) + 1;
  });
  if (!updated) throw new RequestError(notFound({ resource: type.resource, group: type.group, name }));
  sendJson(res, 200, context.store.get(type.resource, namespace, name));
}

async function reviewAccess(context: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const review = await readJsonBody(req);
  const spec = isPlainObject(review) && isPlainObject(review['spec']) ? review['spec'] : undefined;
  if (spec === undefined) throw new RequestError(badRequest('SelfSubjectAccessReview has no spec'));
  const attributes = isPlainObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : undefined;
  const text = (key: string) => (attributes !== undefined && typeof attributes[key] === 'string' ? attributes[key] : '');
  // non-resource URLs (e.g. /healthz) are open to every authenticated user here
  const allowed =
    attributes === undefined ||
    isAllowed(context.user.rules, {
      verb: text('verb'),
      group: text('group'),
      resource: text('resource'),
      ...(text('subresource') === '' ? {} : { subresource: text('subresource') }),
      namespace: text('namespace'),
    });
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    // the real authorizer names the binding that allowed it; the simulator's binding is named after the user
    status: allowed
      ? { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${context.user.name}" of ClusterRole "${context.user.name}" to User "${context.user.name}"` }
      : { allowed: false },
  });
}

function sendNotFoundPage(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

/** Answers one non-upgrade request of an authenticated user. */
export async function handleRestRequest(
  context: RestContext,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    if (route.kind === 'serviceProxy') return proxyToService(context, route, req, res);
    if (route.kind === 'selfSubjectAccessReview') {
      if (method !== 'POST') throw new RequestError(methodNotAllowed());
      await reviewAccess(context, req, res);
      return;
    }
    if (route.kind === 'resource') {
      if (route.subresource === 'exec' || route.subresource === 'portforward') {
        // authorized like any request (GET as get, POST as create) before the missing upgrade is noticed
        const verb = method === 'POST' ? 'create' : 'get';
        const access = { verb, group: '', resource: 'pods', subresource: route.subresource, namespace: route.namespace ?? '' };
        if (!isAllowed(context.user.rules, access)) {
          const subject = { resource: 'pods', group: '', ...(route.name === undefined ? {} : { name: route.name }) };
          throw new RequestError(forbidden(subject, { user: context.user.name, verb, subresource: route.subresource, namespace: route.namespace ?? '' }));
        }
        throw new RequestError(badRequest('Upgrade request required'));
      }
      if (route.subresource !== undefined) return sendNotFoundPage(res);
      if (method === 'GET') return serveResource(context, route, query, res);
      if (method === 'PATCH') return await patchResource(context, route, req, res);
      throw new RequestError(methodNotAllowed());
    }
    if (method !== 'GET') throw new RequestError(methodNotAllowed());
    if (route.kind === 'version') return sendJson(res, 200, versionDocument());
    if (route.kind === 'coreVersions') return sendJson(res, 200, coreVersionsDocument(context.serverAddress));
    if (route.kind === 'groupList') return sendJson(res, 200, groupListDocument());
    if (route.kind === 'resourceList') {
      const document = resourceListDocument(route.group, route.version);
      return document === undefined ? sendNotFoundPage(res) : sendJson(res, 200, document);
    }
    sendNotFoundPage(res);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    sendStatus(res, error.status);
  }
}
