// Turns what client-node throws (ApiException with a Status body as a string, fetch errors,
// WebSocket refusals) into one line the user can act on.
import { describeCause, SquirrlyError } from '../errors.ts';

interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
}

/** What the caller was doing, for the message: e.g. { verb: 'get', resource: 'flinkdeployments', namespace: 'prod' } */
export interface KubeAction {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  server: string;
}

/** A failed Kubernetes call; `code` is the HTTP status when the server answered. */
export class KubeApiError extends SquirrlyError {
  readonly code: number | undefined;
  constructor(message: string, code: number | undefined, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'KubeApiError';
    this.code = code;
  }
}

export function toKubeError(err: unknown, action: KubeAction): SquirrlyError {
  if (err instanceof SquirrlyError) return err;
  const code = statusCode(err);
  const status = parseStatus(err);
  const where = action.namespace ? ` in namespace "${action.namespace}"` : '';
  if (code === 401) return unauthorized(action.server);
  if (code === 403) {
    const permission = `${action.verb} ${action.resource}${where}`;
    return new KubeApiError(`permission denied: you may not ${permission}`, 403,
      `ask your cluster admin for a Role that allows "${action.verb}" on "${action.resource}" (krew/rbac.yaml in the plugin's repository has one; kubectl squirrly doctor lists all that is missing)`);
  }
  if (code === 404) {
    return new KubeApiError(status?.message ?? `${action.resource} "${action.name ?? ''}" not found${where}`, 404);
  }
  if (code !== undefined) {
    return new KubeApiError(`the API server answered ${code}${status?.message ? `: ${status.message}` : ''} while trying to ${action.verb} ${action.resource}${where}`, code,
      'retry; if it persists, check the API server (kubectl get --raw /readyz)');
  }
  const text = describeCause(err);
  return new KubeApiError(`cannot reach the API server at ${action.server}: ${text}`, undefined,
    'check the context (kubectl config current-context), your VPN or network, or raise --request-timeout');
}

/** 401 from the API server, for any request (the service proxy's included). */
export function unauthorized(server: string): KubeApiError {
  return new KubeApiError(`the API server at ${server} rejected your credentials (401 Unauthorized)`, 401,
    'log in again or refresh the token of this context, then check with: kubectl auth whoami');
}

export function statusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  // WebSocket upgrades refused by the API server surface only as "Unexpected server response: 403".
  const m = typeof e.message === 'string' ? /Unexpected server response: (\d{3})/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

function parseStatus(err: unknown): KubeStatus | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as KubeStatus;
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as KubeStatus) : undefined;
}
