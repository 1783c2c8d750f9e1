// A client-node KubeConfig that adds what client-node does not do to every request it prepares
// (REST calls, exec and port-forward upgrades, the services proxy): the credential of the
// plugin's own source (exec helper, tokenFile) and every Impersonate-* header. client-node sends
// only Impersonate-User, and REST headers go through a string map that cannot repeat a name, so
// there the headers are added by the connection's dispatcher instead.
import type { OutgoingHttpHeaders } from 'node:http';
import { Agent, KubeConfig, type Cluster, type Dispatcher, type RequestContext, type User } from './client-node.ts';
import type { Credential, CredentialSource } from './credentials.ts';
import { headerObject } from './impersonation.ts';
import { credentialOfThisRequest } from './request-credential.ts';

export interface RequestAuth {
  cluster: Cluster;
  /** the user without its token: client-node applies certificates, basic auth and auth-providers */
  user: User;
  contextName: string;
  namespace: string;
  credentials: CredentialSource;
  /** Impersonate-* headers, in order */
  impersonation: Array<[string, string]>;
}

export class RequestKubeConfig extends KubeConfig {
  readonly #auth: RequestAuth;
  #applied: Credential | undefined;
  #baseUser: User | undefined;
  #generation = 0;

  constructor(auth: RequestAuth) {
    super();
    this.#auth = auth;
    this.loadFromOptions({
      clusters: [auth.cluster],
      users: [auth.user],
      contexts: [{ name: auth.contextName, cluster: auth.cluster.name, user: auth.user.name, namespace: auth.namespace }],
      currentContext: auth.contextName,
    });
  }

  /** The credential source, so callers can fetch a credential outside their deadlines and report a 401. */
  get credentials(): CredentialSource {
    return this.#auth.credentials;
  }

  /** Swaps the current user, keeping the cluster as the network settings left it. */
  #useUser(user: User): void {
    const context = this.getContextObject(this.getCurrentContext());
    this.loadFromOptions({
      clusters: this.getClusters(),
      users: [user],
      contexts: [{ name: this.getCurrentContext(), cluster: context?.cluster ?? this.#auth.cluster.name, user: user.name, namespace: this.#auth.namespace }],
      currentContext: this.getCurrentContext(),
    });
  }

  /** The current credential; a new client certificate gets a new user name so client-node's agent cache does not keep the old one. */
  async #prepare(): Promise<Credential> {
    const credential = credentialOfThisRequest() ?? (await this.#auth.credentials.current());
    if (credential !== this.#applied) {
      this.#applied = credential;
      this.#baseUser ??= this.getCurrentUser() ?? this.#auth.user;
      if (credential.certPem && credential.keyPem) {
        this.#generation++;
        this.#useUser({
          ...this.#baseUser,
          name: `${this.#baseUser.name}#${this.#generation}`,
          certData: Buffer.from(credential.certPem).toString('base64'),
          keyData: Buffer.from(credential.keyPem).toString('base64'),
        });
      } else if (this.#generation > 0) {
        this.#generation++;
        this.#useUser({ ...this.#baseUser, name: `${this.#baseUser.name}#${this.#generation}` });
      }
    }
    return credential;
  }

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    const credential = await this.#prepare();
    await super.applyToHTTPSOptions(opts);
    const headers: OutgoingHttpHeaders = { ...(opts.headers as OutgoingHttpHeaders | undefined), ...headerObject(this.#auth.impersonation) };
    if (credential.token) headers['Authorization'] = `Bearer ${credential.token}`;
    opts.headers = headers as Record<string, string>;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const credential = await this.#prepare();
    await super.applySecurityAuthentication(context);
    if (credential.token) context.setHeaderParam('Authorization', `Bearer ${credential.token}`);
    if (this.#auth.impersonation.length > 0) {
      context.setDispatcher(withHeaders(context.getDispatcher() ?? new Agent(), this.#auth.impersonation));
    }
  }
}

/** A dispatcher that sends these headers (replacing any of the same names) on every request. */
function withHeaders(dispatcher: Dispatcher, pairs: Array<[string, string]>): Dispatcher {
  const names = new Set(pairs.map(([name]) => name.toLowerCase()));
  return dispatcher.compose((dispatch) => (options, handler) => {
    const flat: string[] = [];
    const add = (name: string, value: unknown): void => {
      if (names.has(name.toLowerCase()) || value === undefined) return;
      for (const one of Array.isArray(value) ? value : [value]) flat.push(name, String(one));
    };
    const headers = options.headers;
    if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i]!, headers[i + 1]);
    else if (headers && typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const [name, value] of headers as Iterable<[string, string | string[] | undefined]>) add(name, value);
    } else if (headers) for (const [name, value] of Object.entries(headers)) add(name, value);
    for (const [name, value] of pairs) flat.push(name, value);
    return dispatch({ ...options, headers: flat }, handler);
  });
}
