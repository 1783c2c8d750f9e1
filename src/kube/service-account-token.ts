// Which ServiceAccount a token belongs to, read from its JWT claims without verifying them (only
// the API server can): bound tokens carry `kubernetes.io.serviceaccount.name` and
// `kubernetes.io.namespace`, legacy Secret tokens the `kubernetes.io/serviceaccount/*` claims, both
// a `sub` of system:serviceaccount:NAMESPACE:NAME. The claims are untrusted text, so only names
// that are valid Kubernetes names come back; the token itself is never returned.

export interface ServiceAccountIdentity {
  namespace: string;
  name: string;
}

/** A JWT larger than this is not a ServiceAccount token. */
const MAX_TOKEN_CHARS = 64 * 1024;
/** DNS-1123 subdomain, which both ServiceAccount and namespace names are. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

type Claims = Record<string, unknown>;

function record(value: unknown): Claims | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Claims) : undefined;
}

function name(value: unknown): string | undefined {
  return typeof value === 'string' && NAME.test(value) ? value : undefined;
}

function claimsOf(token: string): Claims | undefined {
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    return record(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

export function serviceAccountOfToken(token: string): ServiceAccountIdentity | undefined {
  const claims = claimsOf(token.trim());
  if (!claims) return undefined;
  const bound = record(claims['kubernetes.io']);
  const boundNamespace = name(bound?.['namespace']);
  const boundName = name(record(bound?.['serviceaccount'])?.['name']);
  if (boundNamespace && boundName) return { namespace: boundNamespace, name: boundName };
  const legacyNamespace = name(claims['kubernetes.io/serviceaccount/namespace']);
  const legacyName = name(claims['kubernetes.io/serviceaccount/service-account.name']);
  if (legacyNamespace && legacyName) return { namespace: legacyNamespace, name: legacyName };
  const subject = typeof claims['sub'] === 'string' ? claims['sub'].split(':') : [];
  if (subject.length === 4 && subject[0] === 'system' && subject[1] === 'serviceaccount') {
    const namespace = name(subject[2]);
    const account = name(subject[3]);
    if (namespace && account) return { namespace, name: account };
  }
  return undefined;
}
