// How the plugin reaches the JobManager's REST API (`--via`): a port-forward to the
// JobManager pod (needs pods/portforward), the API server's service proxy to `<name>-rest`
// (needs services/proxy), or, from inside the cluster, `<name>-rest.<namespace>.svc` directly
// (needs nothing but cluster DNS). Each gives a base URL, so the REST client and downloads do not
// care which one is in use.
import { SquirrlyError } from '../errors.ts';
import { statusCode } from '../kube/api-errors.ts';
import { originateTls, type RestTlsSettings } from '../flink/rest-tls.ts';
import type { Cluster, ServicePort, Tunnel } from '../kube/cluster.ts';
import { diagnoseServicePort, resolveServiceName, serviceDnsName } from '../kube/service-address.ts';
import type { DeploymentFacts } from './deployment-checks.ts';

export const REST_VIAS = ['port-forward', 'proxy', 'direct'] as const;
export type RestVia = (typeof REST_VIAS)[number];

/** the port name the operator (and Flink's native mode) gives the REST port of `<name>-rest` */
export const REST_PORT_NAME = 'rest';

export interface RestTransport extends Tunnel {
  readonly via: RestVia;
  /** for messages, e.g. "a port-forward to sample-job-5d8f:8081" */
  readonly route: string;
}

export function parseVia(value: string | undefined): RestVia {
  if (value === undefined || value === '') return 'port-forward';
  if ((REST_VIAS as readonly string[]).includes(value)) return value as RestVia;
  throw new SquirrlyError(`unknown --via ${JSON.stringify(value)}`, { hint: `use one of: ${REST_VIAS.join(', ')}` });
}

export function restServiceName(deployment: string): string {
  return `${deployment}-rest`;
}

/** The names the REST service answers to inside the cluster, longest first: what its certificate may carry. */
export function restServiceNames(facts: Pick<DeploymentFacts, 'name' | 'namespace'>): string[] {
  const service = restServiceName(facts.name);
  return [`${service}.${facts.namespace}.svc.cluster.local`, `${service}.${facts.namespace}.svc`, `${service}.${facts.namespace}`, service];
}

/** With `tls`, the REST API is spoken over TLS: by the plugin through a port-forward or directly, by the API server through its proxy. */
export async function openRestTransport(
  cluster: Cluster,
  facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>,
  via: RestVia,
  jobManagerPod: string,
  tls?: RestTlsSettings,
): Promise<RestTransport> {
  if (via === 'proxy') {
    const service = restServiceName(facts.name);
    const chosen = await servicePort(cluster, service, facts, via);
    const port = chosen ? (chosen.name ?? String(chosen.port)) : REST_PORT_NAME;
    const tunnel = await cluster.serviceProxy(service, port, tls ? 'https' : undefined);
    return Object.assign(tunnel, { via, route: `the API server's service proxy to ${tls ? 'https:' : ''}${service}:${port}` });
  }
  if (via === 'direct') return openDirect(cluster, facts, tls);
  const tunnel = await cluster.portForward(jobManagerPod, facts.restPort);
  return withTls(tunnel, via, `a port-forward to ${jobManagerPod}:${facts.restPort}`, tls);
}

/** The step line a command shows while it opens the way in. */
export function openingMessage(via: RestVia, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>, jobManagerPod: string): string {
  if (via === 'proxy') return `reaching ${restServiceName(facts.name)} through the API server's service proxy`;
  if (via === 'direct') return `reaching ${serviceDnsName(restServiceName(facts.name), facts.namespace)} directly`;
  return `opening a port-forward to ${jobManagerPod}:${facts.restPort}`;
}

/** The service by its cluster DNS name at its own port: no tunnel, the pod's network and resolver. */
async function openDirect(cluster: Cluster, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>, tls?: RestTlsSettings): Promise<RestTransport> {
  const service = restServiceName(facts.name);
  // without `get services` the operator's port is rest.port, which the deployment declares
  const port = (await servicePort(cluster, service, facts, 'direct'))?.port ?? facts.restPort;
  const host = serviceDnsName(service, facts.namespace);
  await resolveServiceName(host, cluster.timeoutMs);
  const target = { service, namespace: facts.namespace, host, port };
  const plain: Tunnel = {
    baseUrl: `http://${host}:${port}`,
    lastError: () => undefined,
    diagnose: () => diagnoseServicePort(target, cluster.timeoutMs),
    close: async () => {},
  };
  return withTls(plain, 'direct', `the service ${host}:${port} directly`, tls);
}

/** With TLS settings, a local endpoint that speaks TLS through the tunnel (checked against the service's names). */
async function withTls(tunnel: Tunnel, via: RestVia, route: string, tls?: RestTlsSettings): Promise<RestTransport> {
  if (!tls) return Object.assign(tunnel, { via, route });
  let endpoint;
  try {
    endpoint = await originateTls(tunnel.baseUrl, tls);
  } catch (err) {
    await tunnel.close();
    throw err;
  }
  const secure = endpoint;
  return {
    via,
    route: `${route} (TLS)`,
    baseUrl: secure.baseUrl,
    lastError: () => secure.lastProblem()?.message ?? tunnel.lastError(),
    // the tunnel's own failure first: without it there is no TLS to judge
    diagnose: async () => (await tunnel.diagnose()) ?? secure.lastProblem(),
    close: async () => {
      await secure.close();
      await tunnel.close();
    },
  };
}

/**
 * The service port to use: the one named "rest", else the one serving rest.port. Undefined without
 * `get services`: then the proxy takes the operator's port name as is, and direct rest.port.
 */
async function servicePort(cluster: Cluster, service: string, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>, via: RestVia): Promise<ServicePort | undefined> {
  let ports;
  try {
    ports = await cluster.getServicePorts(service, facts.namespace);
  } catch (err) {
    if (statusCode(err) === 403) return undefined;
    throw err;
  }
  if (ports === undefined) {
    throw new SquirrlyError(`the service ${service} does not exist in namespace "${facts.namespace}", so --via ${via} has nothing to go through`, {
      hint: `the operator creates it for the JobManager's REST API; check it (kubectl get service ${service} -n ${facts.namespace}) or use --via port-forward`,
    });
  }
  const chosen = ports.find((p) => p.name === REST_PORT_NAME) ?? ports.find((p) => p.port === facts.restPort || p.targetPort === facts.restPort) ?? ports[0];
  if (chosen === undefined) {
    throw new SquirrlyError(`the service ${service} declares no port`, { hint: 'use --via port-forward' });
  }
  return chosen;
}
