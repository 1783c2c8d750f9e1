// How the plugin reaches the JobManager's REST API (`--via`): a port-forward to the
// JobManager pod (needs pods/portforward), or the API server's service proxy to `<name>-rest`
// (needs services/proxy). Both give a local base URL, so the REST client and downloads do not
// care which one is in use.
import { SquirrlyError } from '../errors.ts';
import { statusCode } from '../kube/api-errors.ts';
import { originateTls, type RestTlsSettings } from '../flink/rest-tls.ts';
import type { Cluster, Tunnel } from '../kube/cluster.ts';
import type { DeploymentFacts } from './deployment-checks.ts';

export const REST_VIAS = ['port-forward', 'proxy'] as const;
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

/** With `tls`, the REST API is spoken over TLS: by the plugin through a port-forward, by the API server through its proxy. */
export async function openRestTransport(
  cluster: Cluster,
  facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>,
  via: RestVia,
  jobManagerPod: string,
  tls?: RestTlsSettings,
): Promise<RestTransport> {
  if (via === 'proxy') {
    const service = restServiceName(facts.name);
    const port = await servicePort(cluster, service, facts);
    const tunnel = await cluster.serviceProxy(service, port, tls ? 'https' : undefined);
    return Object.assign(tunnel, { via, route: `the API server's service proxy to ${tls ? 'https:' : ''}${service}:${port}` });
  }
  const tunnel = await cluster.portForward(jobManagerPod, facts.restPort);
  const route = `a port-forward to ${jobManagerPod}:${facts.restPort}`;
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
 * The service port to proxy to: the one named "rest", else the one serving rest.port. Without
 * `get services` the operator's port name is used as is.
 */
async function servicePort(cluster: Cluster, service: string, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>): Promise<string> {
  let ports;
  try {
    ports = await cluster.getServicePorts(service, facts.namespace);
  } catch (err) {
    if (statusCode(err) === 403) return REST_PORT_NAME;
    throw err;
  }
  if (ports === undefined) {
    throw new SquirrlyError(`the service ${service} does not exist in namespace "${facts.namespace}", so --via proxy has nothing to go through`, {
      hint: `the operator creates it for the JobManager's REST API; check it (kubectl get service ${service} -n ${facts.namespace}) or use --via port-forward`,
    });
  }
  const chosen = ports.find((p) => p.name === REST_PORT_NAME) ?? ports.find((p) => p.port === facts.restPort || p.targetPort === facts.restPort) ?? ports[0];
  if (chosen === undefined) {
    throw new SquirrlyError(`the service ${service} declares no port`, { hint: 'use --via port-forward' });
  }
  return chosen.name ?? String(chosen.port);
}
