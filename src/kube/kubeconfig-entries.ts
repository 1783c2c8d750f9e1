// One kubeconfig file as kubectl reads it: clusters, users and contexts by name, with the fields
// kubectl knows and every relative path resolved against the file's folder. Parsed here rather
// than by client-node, which throws on entries kubectl tolerates (a context without a cluster) and
// drops fields kubectl honours (tokenFile, the impersonation fields, interactiveMode).
import path from 'node:path';

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** `users[].user.exec`: a credential helper, as written in the kubeconfig. */
export interface ExecConfig {
  command: string;
  args: string[];
  env: ExecEnvVar[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  /** Never, IfAvailable or Always; undefined when the kubeconfig does not say */
  interactiveMode?: string;
}

export interface ClusterEntry {
  server?: string;
  certificateAuthority?: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  disableCompression?: boolean;
  /** extensions["client.authentication.k8s.io/exec"], handed to exec helpers */
  execExtension?: unknown;
}

export interface AuthInfoEntry {
  token?: string;
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  as?: string;
  asUid?: string;
  asGroups?: string[];
  asUserExtra?: Record<string, string[]>;
  authProvider?: { name: string; config: Record<string, string> };
  exec?: ExecConfig;
}

export interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface KubeconfigFile {
  clusters: Map<string, ClusterEntry>;
  users: Map<string, AuthInfoEntry>;
  contexts: Map<string, ContextEntry>;
  currentContext?: string;
}

const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

type Fields = Record<string, unknown>;

function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(fields: Fields | undefined, key: string): string | undefined {
  const value = fields?.[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function flag(fields: Fields | undefined, key: string): boolean | undefined {
  const value = fields?.[key];
  return typeof value === 'boolean' ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter((v): v is string => typeof v === 'string');
  return list.length > 0 ? list : undefined;
}

/** Go's ResolveLocalPaths: a relative path is relative to the file it was written in. */
function resolved(file: string | undefined, base: string): string | undefined {
  if (file === undefined) return undefined;
  return path.isAbsolute(file) ? file : path.join(base, file);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Named entries of one list (`clusters`, `users`, `contexts`); nameless or shapeless ones are skipped like Go's decoder leaves them empty. */
function namedEntries(list: unknown, inner: string): Array<[string, Fields]> {
  if (!Array.isArray(list)) return [];
  const out: Array<[string, Fields]> = [];
  for (const item of list) {
    const entry = record(item);
    const name = text(entry, 'name');
    if (!entry || name === undefined) continue;
    out.push([name, record(entry[inner]) ?? {}]);
  }
  return out;
}

function parseCluster(fields: Fields, base: string): ClusterEntry {
  const extensions = Array.isArray(fields['extensions']) ? fields['extensions'] : [];
  const execExtension = extensions.map(record).find((e) => text(e, 'name') === EXEC_EXTENSION)?.['extension'];
  return withoutUndefined({
    server: text(fields, 'server'),
    certificateAuthority: resolved(text(fields, 'certificate-authority'), base),
    certificateAuthorityData: text(fields, 'certificate-authority-data'),
    insecureSkipTlsVerify: flag(fields, 'insecure-skip-tls-verify'),
    tlsServerName: text(fields, 'tls-server-name'),
    proxyUrl: text(fields, 'proxy-url'),
    disableCompression: flag(fields, 'disable-compression'),
    execExtension,
  });
}

function parseExec(fields: Fields | undefined, base: string): ExecConfig | undefined {
  if (!fields) return undefined;
  const command = text(fields, 'command') ?? '';
  const env = (Array.isArray(fields['env']) ? fields['env'] : []).flatMap((item) => {
    const entry = record(item);
    const name = typeof entry?.['name'] === 'string' ? entry['name'] : '';
    const value = typeof entry?.['value'] === 'string' ? entry['value'] : '';
    return entry ? [{ name, value }] : [];
  });
  const installHint = text(fields, 'installHint');
  const interactiveMode = text(fields, 'interactiveMode');
  return {
    // only a command with a path separator is a path; a bare name is looked up in PATH
    command: command.includes(path.sep) || command.includes('/') ? (resolved(command, base) ?? command) : command,
    args: strings(fields['args']) ?? [],
    env,
    apiVersion: text(fields, 'apiVersion') ?? '',
    ...(installHint !== undefined ? { installHint } : {}),
    provideClusterInfo: flag(fields, 'provideClusterInfo') === true,
    ...(interactiveMode !== undefined ? { interactiveMode } : {}),
  };
}

function parseUserExtra(value: unknown): Record<string, string[]> | undefined {
  const fields = record(value);
  if (!fields) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(fields)) {
    const list = typeof values === 'string' ? [values] : strings(values);
    if (list) out[key] = list;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function parseAuthInfo(fields: Fields, base: string): AuthInfoEntry {
  const provider = record(fields['auth-provider']);
  const providerName = text(provider, 'name');
  const providerConfig = record(provider?.['config']) ?? {};
  return withoutUndefined({
    token: text(fields, 'token'),
    tokenFile: resolved(text(fields, 'tokenFile'), base),
    clientCertificate: resolved(text(fields, 'client-certificate'), base),
    clientCertificateData: text(fields, 'client-certificate-data'),
    clientKey: resolved(text(fields, 'client-key'), base),
    clientKeyData: text(fields, 'client-key-data'),
    username: text(fields, 'username'),
    password: text(fields, 'password'),
    as: text(fields, 'as'),
    asUid: text(fields, 'as-uid'),
    asGroups: strings(fields['as-groups']),
    asUserExtra: parseUserExtra(fields['as-user-extra']),
    authProvider: providerName === undefined ? undefined : {
      name: providerName,
      config: Object.fromEntries(Object.entries(providerConfig).filter((e): e is [string, string] => typeof e[1] === 'string')),
    },
    exec: parseExec(record(fields['exec']), base),
  });
}

function parseContext(fields: Fields): ContextEntry {
  return withoutUndefined({ cluster: text(fields, 'cluster'), user: text(fields, 'user'), namespace: text(fields, 'namespace') });
}

/** The decoded YAML document of one file (anything: it is untrusted) → its entries. */
export function kubeconfigEntries(document: unknown, file: string): KubeconfigFile {
  const base = path.dirname(path.resolve(file));
  const top = record(document) ?? {};
  const out: KubeconfigFile = { clusters: new Map(), users: new Map(), contexts: new Map() };
  // within one file a repeated name keeps the last entry, as Go's map decoding does
  for (const [name, fields] of namedEntries(top['clusters'], 'cluster')) out.clusters.set(name, parseCluster(fields, base));
  for (const [name, fields] of namedEntries(top['users'], 'user')) out.users.set(name, parseAuthInfo(fields, base));
  for (const [name, fields] of namedEntries(top['contexts'], 'context')) out.contexts.set(name, parseContext(fields));
  const current = text(top, 'current-context');
  if (current !== undefined) out.currentContext = current;
  return out;
}
