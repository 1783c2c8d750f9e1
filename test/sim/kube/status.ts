// metav1.Status documents shaped exactly like the real API server's, and how to send them.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ message: string }> };
  code: number;
}

/** Where a status is about: the resource (plural), its API group and, for single objects, the name. */
export interface StatusSubject {
  resource: string;
  group: string;
  name?: string;
}

function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** `flinkdeployments.flink.apache.org` for grouped resources, plain `pods` for the core group. */
function qualifiedResource(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

function subjectDetails(subject: StatusSubject): NonNullable<KubeStatus['details']> {
  return {
    ...(subject.name === undefined ? {} : { name: subject.name }),
    ...(subject.group === '' ? {} : { group: subject.group }),
    kind: subject.resource,
  };
}

export function notFound(subject: StatusSubject & { name: string }): KubeStatus {
  const message = `${qualifiedResource(subject.resource, subject.group)} "${subject.name}" not found`;
  return failure(404, 'NotFound', message, subjectDetails(subject));
}

/** The RBAC denial wording of the real authorizer, including the subresource in the resource name. */
export function forbidden(
  subject: StatusSubject,
  attributes: { user: string; verb: string; subresource?: string; namespace?: string },
): KubeStatus {
  const target = qualifiedResource(subject.resource, subject.group);
  const who = subject.name === undefined ? target : `${target} "${subject.name}"`;
  const resource = attributes.subresource === undefined ? subject.resource : `${subject.resource}/${attributes.subresource}`;
  const scope =
    attributes.namespace === undefined || attributes.namespace === ''
      ? 'at the cluster scope'
      : `in the namespace "${attributes.namespace}"`;
  const message =
    `${who} is forbidden: User "${attributes.user}" cannot ${attributes.verb} resource "${resource}" ` +
    `in API group "${subject.group}" ${scope}`;
  return failure(403, 'Forbidden', message, subjectDetails(subject));
}

export function unauthorized(): KubeStatus {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function badRequest(message: string): KubeStatus {
  return failure(400, 'BadRequest', message);
}

export function methodNotAllowed(): KubeStatus {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function unsupportedMediaType(contentType: string): KubeStatus {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json; got ${contentType}`);
}

export function notImplemented(message: string): KubeStatus {
  return failure(501, 'NotImplemented', message);
}

export function serviceUnavailable(message: string): KubeStatus {
  return failure(503, 'ServiceUnavailable', message);
}

export function internalError(message: string): KubeStatus {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: KubeStatus): void {
  sendJson(res, status.code, status);
}

/** Answers an upgrade request that will not be upgraded: a plain HTTP response with the Status body, then close. */
export function refuseUpgrade(socket: Duplex, status: KubeStatus): void {
  const text = JSON.stringify(status);
  const head =
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(text)}\r\n` +
    'Connection: close\r\n\r\n';
  socket.end(head + text);
}
