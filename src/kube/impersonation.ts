// The Impersonate-* headers client-go sends for a user's `as`, `as-uid`, `as-groups` and
// `as-user-extra` (or --as, --as-uid, --as-group). clientcmd only impersonates when a user name is
// given, so groups or extras alone send nothing, and the API server would refuse them anyway.
import type { AuthInfoEntry } from './kubeconfig-entries.ts';

export interface Impersonation {
  user: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export function impersonationOf(user: AuthInfoEntry): Impersonation | undefined {
  if (!user.as) return undefined;
  return { user: user.as, ...(user.asUid ? { uid: user.asUid } : {}), groups: user.asGroups ?? [], extra: user.asUserExtra ?? {} };
}

/** Header name and value pairs, repeated names for several groups or extra values. */
export function impersonationHeaders(imp: Impersonation | undefined): Array<[string, string]> {
  if (!imp) return [];
  const headers: Array<[string, string]> = [['Impersonate-User', imp.user]];
  if (imp.uid) headers.push(['Impersonate-Uid', imp.uid]);
  for (const group of imp.groups) headers.push(['Impersonate-Group', group]);
  for (const [key, values] of Object.entries(imp.extra)) {
    for (const value of values) headers.push([`Impersonate-Extra-${escapeHeaderKey(key)}`, value]);
  }
  return headers;
}

/** The pairs as an object Node's http accepts, several values of one name as an array. */
export function headerObject(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const had = out[name];
    out[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return out;
}

const TOKEN_BYTE = /[A-Za-z0-9!#$&'*+\-.^_`|~]/;

/** client-go's headerKeyEscape: bytes that may not appear in a header name, and '%', become %XX. */
export function escapeHeaderKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN_BYTE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
