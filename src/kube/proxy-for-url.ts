// Which proxy a request to a URL goes through, by the rules kubectl follows (Go's
// ProxyFromEnvironment): HTTPS_PROXY for https, HTTP_PROXY for http, NO_PROXY entries as IPs,
// CIDRs, domain suffixes (with or without a leading dot or "*."), optional ports and "*", and
// never a proxy for localhost or a loopback address. Pure, so the table of cases is tested as is.
import net from 'node:net';
import { domainToASCII } from 'node:url';

export interface ProxyEnvironment {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  /** REQUEST_METHOD is set: a CGI process, where HTTP_PROXY may come from a request header */
  cgi?: boolean;
}

/** The variables as Go reads them: the upper-case name first, then the lower-case one; empty counts as unset. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): ProxyEnvironment {
  const any = (...names: string[]): string | undefined => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const httpProxy = any('HTTP_PROXY', 'http_proxy');
  const httpsProxy = any('HTTPS_PROXY', 'https_proxy');
  const noProxy = any('NO_PROXY', 'no_proxy');
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    cgi: (env.REQUEST_METHOD ?? '') !== '',
  };
}

export class ProxyRefusedError extends Error {}

/** The proxy for `target`, or undefined for a direct connection. Throws ProxyRefusedError for HTTP_PROXY under CGI. */
export function proxyForUrl(target: URL, environment: ProxyEnvironment): URL | undefined {
  let proxy: URL | undefined;
  if (target.protocol === 'https:' || target.protocol === 'wss:') {
    proxy = parseProxy(environment.httpsProxy);
  } else if (target.protocol === 'http:' || target.protocol === 'ws:') {
    proxy = parseProxy(environment.httpProxy);
    if (proxy && environment.cgi) throw new ProxyRefusedError('refusing to use HTTP_PROXY value in CGI environment');
  }
  if (proxy === undefined) return undefined;
  return useProxy(target, environment.noProxy ?? '') ? proxy : undefined;
}

/** A proxy URL as written by users: a full URL, or "host[:port]" meaning http. */
export function parseProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  const hasKnownScheme = /^(https?|socks5):\/\//i.test(value);
  const hasOtherScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  try {
    return new URL(hasKnownScheme || hasOtherScheme ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}

/** A proxy URL for messages: no password, no trailing slash. */
export function describeProxy(proxy: URL): string {
  const shown = new URL(proxy.href);
  if (shown.password) shown.password = '***';
  const text = shown.href;
  return shown.pathname === '/' && !shown.search ? text.replace(/\/$/, '') : text;
}

const defaultPorts: Record<string, string> = { 'http:': '80', 'ws:': '80', 'https:': '443', 'wss:': '443', 'socks5:': '1080' };

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function useProxy(target: URL, noProxy: string): boolean {
  const host = unbracket(target.hostname).toLowerCase();
  const port = target.port || defaultPorts[target.protocol] || '';
  if (host === '' || host === 'localhost') return false;
  const family = ipFamily(host);
  if (family && loopback.check(host, family)) return false;
  return !noProxyMatchers(noProxy).some((matches) => matches(host, port, family));
}

type Matcher = (host: string, port: string, family: 'ipv4' | 'ipv6' | undefined) => boolean;

function noProxyMatchers(noProxy: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return [() => true];
    const cidr = parseCidr(entry);
    if (cidr) {
      matchers.push((host, _port, family) => family !== undefined && cidr.check(host, family));
      continue;
    }
    const split = splitHostPort(entry);
    const entryHost = split ? split.host : entry;
    const entryPort = split ? split.port : '';
    if (entryHost === '') continue; // malformed, as Go ignores it
    const entryFamily = ipFamily(entryHost);
    if (entryFamily) {
      const one = new net.BlockList();
      one.addAddress(entryHost, entryFamily);
      matchers.push((host, port, family) => family === entryFamily && one.check(host, family) && (entryPort === '' || entryPort === port));
      continue;
    }
    // "foo.com" matches foo.com and its subdomains; ".foo.com" and "*.foo.com" only the subdomains.
    let suffix = entryHost.startsWith('*.') ? entryHost.slice(1) : entryHost;
    const matchHost = !suffix.startsWith('.');
    if (matchHost) suffix = `.${suffix}`;
    const ascii = domainToASCII(suffix.slice(1));
    if (ascii) suffix = `.${ascii}`;
    matchers.push((host, port) => (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) && (entryPort === '' || entryPort === port));
  }
  return matchers;
}

function parseCidr(entry: string): net.BlockList | undefined {
  const slash = entry.indexOf('/');
  if (slash < 0) return undefined;
  const address = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  const family = ipFamily(address);
  if (!family || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  const list = new net.BlockList();
  list.addSubnet(address, prefix, family);
  return list;
}

/** Go's net.SplitHostPort for NO_PROXY entries: "h:p" or "[v6]:p"; undefined when there is no port. */
function splitHostPort(entry: string): { host: string; port: string } | undefined {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end < 0 || entry[end + 1] !== ':') return undefined;
    return { host: entry.slice(1, end), port: entry.slice(end + 2) };
  }
  const colon = entry.indexOf(':');
  if (colon < 0 || entry.indexOf(':', colon + 1) >= 0) return undefined;
  return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

function ipFamily(host: string): 'ipv4' | 'ipv6' | undefined {
  const kind = net.isIP(host);
  return kind === 4 ? 'ipv4' : kind === 6 ? 'ipv6' : undefined;
}

export function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
