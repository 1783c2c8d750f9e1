// How the plugin reaches the API server, settled once after the kubeconfig is loaded so REST,
// exec, port-forward and the services proxy all go the same way, as kubectl's do: the kubeconfig's
// proxy-url, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY by Go's rules; socks5 with names resolved at the
// proxy; an http:// server (kubectl proxy) without credentials; the system's CA roots trusted.
import { SquirrlyError } from '../errors.ts';
import type { Cluster, User } from './client-node.ts';
import type { LoadedKubeconfig } from './kubeconfig.ts';
import { describeProxy, parseProxy, proxyEnvironment, proxyForUrl, ProxyRefusedError } from './proxy-for-url.ts';
import { trustSystemCertificates } from './trust-store.ts';

/** The proxy in use and where it was configured, for messages and `doctor`. */
export interface ProxyInUse {
  /** without a password */
  url: string;
  /** "proxy-url in the kubeconfig", "HTTPS_PROXY", ... */
  source: string;
}

const supportedSchemes = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/** Applies the network rules to the loaded kubeconfig's current cluster (in place) and says which proxy is used. */
export function applyNetworkSettings(config: LoadedKubeconfig, env: NodeJS.ProcessEnv): ProxyInUse | undefined {
  trustSystemCertificates();
  const { kc } = config;
  const cluster = kc.getCurrentCluster();
  let server: URL;
  try {
    server = new URL(cluster?.server ?? '');
  } catch {
    return undefined; // client-node reports the bad server URL on the first call
  }
  if (!cluster) return undefined;
  const chosen = chooseProxy(cluster, server, env);
  const plainHttp = server.protocol === 'http:';
  if (chosen === undefined && !plainHttp) return undefined;

  const changed: Cluster = {
    ...cluster,
    // client-go's socks5 dialer sends the host name to the proxy; socks5h is how client-node's agents spell that
    ...(chosen ? { proxyUrl: chosen.url.protocol === 'socks5:' ? chosen.url.href.replace(/^socks5:/, 'socks5h:') : chosen.url.href } : {}),
    // client-node refuses http:// unless told there is no certificate to check, which is true of http
    ...(plainHttp ? { skipTLSVerify: true } : {}),
  };
  const currentUser = kc.getCurrentUser();
  // client-go reads no credentials for a cluster without TLS: a `kubectl proxy` front needs none
  const users: User[] = plainHttp && currentUser ? kc.users.map((u) => (u.name === currentUser.name ? { name: u.name } : u)) : kc.users;
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === cluster.name ? changed : c)),
    users,
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return chosen ? { url: describeProxy(chosen.url), source: chosen.source } : undefined;
}

function chooseProxy(cluster: Cluster, server: URL, env: NodeJS.ProcessEnv): { url: URL; source: string } | undefined {
  let chosen: { url: URL; source: string } | undefined;
  if (cluster.proxyUrl) {
    // a proxy-url in the kubeconfig wins over the environment, as in client-go
    const url = parseProxy(cluster.proxyUrl);
    if (!url) throw new SquirrlyError(`the kubeconfig's proxy-url ${JSON.stringify(cluster.proxyUrl)} of cluster "${cluster.name}" is not a URL`, { hint: 'write it like http://proxy.example.com:3128 or socks5://127.0.0.1:1080' });
    chosen = { url, source: 'proxy-url in the kubeconfig' };
  } else {
    const environment = proxyEnvironment(env);
    let url: URL | undefined;
    try {
      url = proxyForUrl(server, environment);
    } catch (err) {
      if (err instanceof ProxyRefusedError) {
        throw new SquirrlyError('HTTP_PROXY is ignored when REQUEST_METHOD is set (a CGI environment, where a request can set it)', { hint: 'unset REQUEST_METHOD, or use an https:// server with HTTPS_PROXY' });
      }
      throw err;
    }
    if (url) chosen = { url, source: envName(env, server.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy']) };
  }
  if (chosen && !supportedSchemes.has(chosen.url.protocol)) {
    throw new SquirrlyError(`the proxy ${describeProxy(chosen.url)} (${chosen.source}) has scheme ${chosen.url.protocol.replace(/:$/, '')}, which kubectl does not support`, {
      hint: 'use an http://, https:// or socks5:// proxy',
    });
  }
  return chosen;
}

function envName(env: NodeJS.ProcessEnv, names: string[]): string {
  return names.find((n) => env[n]) ?? names[0]!;
}
