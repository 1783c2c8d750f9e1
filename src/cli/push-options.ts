// --push URL and --push-tenant on profile and artifacts, with their environment defaults. The
// store's credentials come from the environment only, so they never show in argv, shell history
// or a CronJob's args; a URL that carries them is refused without echoing them.
import { UsageError } from '../errors.ts';
import type { PushAuth } from '../pyroscope/ingest-client.ts';
import { quoted } from '../text/visible.ts';
import type { StringOption } from './options.ts';

export interface PushTarget {
  url: URL;
  auth?: PushAuth;
}

export const PUSH_ENV = {
  url: 'SQUIRRLY_PUSH_URL',
  tenant: 'SQUIRRLY_PUSH_TENANT',
  token: 'SQUIRRLY_PUSH_TOKEN',
  username: 'SQUIRRLY_PUSH_USERNAME',
  password: 'SQUIRRLY_PUSH_PASSWORD',
} as const;

const CREDENTIALS_HINT = `set ${PUSH_ENV.token} (a bearer token) or ${PUSH_ENV.username} and ${PUSH_ENV.password} (basic auth) in the environment`;

export const pushOption: StringOption<PushTarget | undefined> = {
  kind: 'string',
  value: 'URL',
  describe: `also send each saved flame graph to Pyroscope at URL, e.g. http://pyroscope:4040 (default ${PUSH_ENV.url}; credentials from ${PUSH_ENV.token}, or ${PUSH_ENV.username} + ${PUSH_ENV.password})`,
  parse: (raw, env, flag) => resolvePushTarget(raw, env, flag),
};

export const pushTenantOption: StringOption<string | undefined> = {
  kind: 'string',
  value: 'TENANT',
  describe: `tenant of a multi-tenant Pyroscope, sent as X-Scope-OrgID (default ${PUSH_ENV.tenant})`,
  parse(raw, env, flag) {
    const fromEnv = raw === undefined;
    const value = (raw ?? env[PUSH_ENV.tenant] ?? '').trim();
    if (value === '') return undefined;
    // a header value: printable ASCII only, so it cannot split the request
    if (!/^[\x21-\x7e]+$/.test(value)) throw new UsageError(`${fromEnv ? PUSH_ENV.tenant : flag} ${quoted(value)} is not a tenant id`, 'use letters, digits and punctuation, without spaces');
    return value;
  },
};

/** The push target from --push or SQUIRRLY_PUSH_URL, with credentials from the environment. */
export function resolvePushTarget(raw: string | undefined, env: NodeJS.ProcessEnv, flag = '--push'): PushTarget | undefined {
  const source = raw === undefined ? PUSH_ENV.url : flag;
  const text = (raw ?? env[PUSH_ENV.url] ?? '').trim();
  if (text === '') {
    if (raw !== undefined) throw new UsageError(`${flag} needs a URL`, 'e.g. --push http://pyroscope:4040');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${source} is not a URL`, 'e.g. --push http://pyroscope:4040');
  }
  if (url.username !== '' || url.password !== '') {
    // never echoed: the password would land in the terminal's scrollback
    throw new UsageError(`${source} must not carry credentials in the URL`, CREDENTIALS_HINT);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source} must be an http:// or https:// URL, got ${quoted(url.protocol.replace(/:$/, ''))}`, 'e.g. --push https://profiles-prod.grafana.net');
  }
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${source} must not have a query or fragment`, 'give the server\'s base URL, e.g. http://pyroscope:4040');
  const auth = resolveAuth(env);
  return auth ? { url, auth } : { url };
}

function resolveAuth(env: NodeJS.ProcessEnv): PushAuth | undefined {
  const token = env[PUSH_ENV.token] || undefined;
  const username = env[PUSH_ENV.username] || undefined;
  const password = env[PUSH_ENV.password] || undefined;
  if (token !== undefined && (username !== undefined || password !== undefined)) {
    throw new UsageError(`both ${PUSH_ENV.token} and ${username !== undefined ? PUSH_ENV.username : PUSH_ENV.password} are set`, 'set either a bearer token or a basic auth user and password');
  }
  if (token !== undefined) return { kind: 'bearer', token };
  if (username !== undefined && password === undefined) throw new UsageError(`${PUSH_ENV.username} is set without ${PUSH_ENV.password}`, CREDENTIALS_HINT);
  if (password !== undefined && username === undefined) throw new UsageError(`${PUSH_ENV.password} is set without ${PUSH_ENV.username}`, CREDENTIALS_HINT);
  return username !== undefined && password !== undefined ? { kind: 'basic', username, password } : undefined;
}
