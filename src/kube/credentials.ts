// Where the bearer token or client certificate of each request comes from, chosen with clientcmd's
// precedence: a token (flag or kubeconfig) beats tokenFile; an exec helper runs only when the user
// has no token, basic auth or client certificate (client-go skips it then too). Client
// certificates from files and auth-provider users are left to client-node, which handles them.
import { SquirrlyError } from '../errors.ts';
import { ExecCredentialHelper, type ExecClusterInfo, type HelperTerminal } from './exec-credential.ts';
import { impersonationOf, type Impersonation } from './impersonation.ts';
import type { AuthInfoEntry } from './kubeconfig-entries.ts';
import { readSmallRegularFile } from './local-file.ts';

/** What one request authenticates with. */
export interface Credential {
  token?: string;
  certPem?: string;
  keyPem?: string;
}

export interface CredentialSource {
  readonly kind: 'token' | 'tokenFile' | 'exec' | 'none';
  /** the credential for the next request; may run a helper, so call it outside request deadlines */
  current(): Promise<Credential>;
  /** the API server answered 401 to this credential: forget it; true when asking again may help */
  rejected(credential: Credential): boolean;
  dispose(): void;
}

/** How doctor describes the credentials in use, never the secret itself. */
export interface CredentialSummary {
  /** token, tokenFile, client certificate, exec, auth-provider, basic auth or none */
  source: 'token' | 'tokenFile' | 'client-certificate' | 'exec' | 'auth-provider' | 'basic-auth' | 'none';
  /** the token file, the helper's command, the auth-provider's name, the certificate file */
  detail?: string;
  impersonation?: Impersonation;
  /** the context names a user the kubeconfig does not define (requests go without credentials) */
  missingUser?: string;
}

/** a token file holds one token; anything bigger is not one */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

class NoCredential implements CredentialSource {
  readonly kind = 'none';
  current(): Promise<Credential> {
    return Promise.resolve({});
  }
  rejected(): boolean {
    return false;
  }
  dispose(): void {}
}

class StaticToken implements CredentialSource {
  readonly kind = 'token';
  readonly #credential: Credential;
  constructor(token: string) {
    this.#credential = { token };
  }
  current(): Promise<Credential> {
    return Promise.resolve(this.#credential);
  }
  rejected(): boolean {
    return false;
  }
  dispose(): void {}
}

/** kubectl re-reads the token file while it runs (projected tokens rotate), so every request reads it. */
class TokenFile implements CredentialSource {
  readonly kind = 'tokenFile';
  readonly #file: string;
  readonly #inCluster: boolean;
  constructor(file: string, inCluster: boolean) {
    this.#file = file;
    this.#inCluster = inCluster;
  }
  async current(): Promise<Credential> {
    let text: string;
    try {
      text = await readSmallRegularFile(this.#file, MAX_TOKEN_FILE_BYTES);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (this.#inCluster) throw new SquirrlyError(`cannot read the ServiceAccount token: ${why}`, { hint: 'the pod must keep its ServiceAccount token mounted (automountServiceAccountToken: true)' });
      throw new SquirrlyError(`cannot read the kubeconfig user's tokenFile: ${why}`, {
        hint: 'fix users[].user.tokenFile in the kubeconfig (a relative path is relative to the kubeconfig file)',
      });
    }
    const token = text.trim();
    return token ? { token } : {};
  }
  rejected(): boolean {
    return true;
  }
  dispose(): void {}
}

export interface CredentialChoice {
  source: CredentialSource;
  summary: CredentialSummary;
}

export function chooseCredentials(options: {
  user: AuthInfoEntry;
  userName: string;
  missingUser: boolean;
  cluster: ExecClusterInfo;
  terminal: HelperTerminal;
  env: NodeJS.ProcessEnv;
  /** the user is the in-cluster ServiceAccount, for the words of a token file error */
  inCluster?: boolean;
}): CredentialChoice {
  const { user } = options;
  const impersonation = impersonationOf(user);
  const extra: Partial<CredentialSummary> = {
    ...(impersonation ? { impersonation } : {}),
    ...(options.missingUser ? { missingUser: options.userName } : {}),
  };
  // client-go reads no credentials at all for a server without TLS (a `kubectl proxy` front)
  if (options.cluster.server.startsWith('http:')) return { source: new NoCredential(), summary: { source: 'none', detail: 'http:// server: no credentials are sent without TLS', ...extra } };
  const hasCert = Boolean(user.clientCertificate || user.clientCertificateData);
  const hasBasic = Boolean(user.username || user.password);
  if (user.token) return { source: new StaticToken(user.token), summary: { source: 'token', ...extra } };
  if (user.tokenFile) return { source: new TokenFile(user.tokenFile, options.inCluster === true), summary: { source: 'tokenFile', detail: user.tokenFile, ...extra } };
  if (hasCert) return { source: new NoCredential(), summary: { source: 'client-certificate', ...(user.clientCertificate ? { detail: user.clientCertificate } : {}), ...extra } };
  if (hasBasic) return { source: new NoCredential(), summary: { source: 'basic-auth', ...extra } };
  if (user.exec) {
    const helper = new ExecCredentialHelper({ exec: user.exec, userName: options.userName, cluster: options.cluster, terminal: options.terminal, env: options.env });
    return { source: helper, summary: { source: 'exec', detail: user.exec.command, ...extra } };
  }
  if (user.authProvider) return { source: new NoCredential(), summary: { source: 'auth-provider', detail: user.authProvider.name, ...extra } };
  return { source: new NoCredential(), summary: { source: 'none', ...extra } };
}
