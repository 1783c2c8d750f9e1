// How the plugin reaches the JobManager's REST API (SPEC §2.1 `--via`): a port-forward to the
// JobManager pod (needs pods/portforward), or the API server's service proxy to `<name>-rest`
// (needs services/proxy). Both give a local base URL, so the REST client and downloads do not
// care which one is in use.
import { SquirrlyError } from '../errors.ts';
import { statusCode, toKubeError } from '../kube/api-errors.ts';
import type { KubeCluster } from '../kube/cluster.ts';
import { openPortForward, type Tunnel } from '../kube/port-forward.ts';
import { openServiceProxy } from '../kube/service-proxy.ts';
import type { DeploymentFacts } from './deployment-checks.ts';

export const REST_VIAS = ['port-forward', 'proxy'] as const;
export type RestVia = (typeof REST_VIAS)[number];

/** the port name the operator (and Flink's native mode) gives the REST port of `<name>-rest` */
export const REST_PORT_NAME = 'rest';

export interface RestTransport extends Tunnel {
  readonly via: RestVia;
  /** for messages, e.g. "a port-forward to sample-job-5d8f:8081" */
  readonly route: string;
  /** after a failed request: why the transport failed, as an error naming the fix, when it can tell */
  diagnose(): Promise<SquirrlyError | undefined>;
}

export function parseVia(value: string | undefined): RestVia {
  if (value === undefined || value === '') return 'port-forward';
  if ((REST_VIAS as readonly string[]).includes(value)) return value as RestVia;
  throw new SquirrlyError(`unknown --via ${JSON.stringify(value)}`, { hint: `use one of: ${REST_VIAS.join(', ')}` });
}

export function restServiceName(deployment: string): string {
  return `${deployment}-rest`;
}

export async function openRestTransport(
  cluster: KubeCluster,
  facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>,
  via: RestVia,
  jobManagerPod: string,
): Promise<RestTransport> {
  if (via === 'proxy') return openProxy(cluster, facts);
  const { namespace, restPort } = facts;
  const tunnel = await openPortForward(cluster.config.kc, namespace, jobManagerPod, restPort);
  return {
    via,
    route: `a port-forward to ${jobManagerPod}:${restPort}`,
    baseUrl: tunnel.baseUrl,
    lastError: () => tunnel.lastError(),
    close: () => tunnel.close(),
    diagnose: async () => {
      const text = tunnel.lastError();
      const action = { verb: 'create', resource: 'pods/portforward', namespace, name: jobManagerPod, server: cluster.config.server };
      const code = text === undefined ? undefined : statusCode({ message: text });
      if (code !== undefined) return toKubeError({ code, message: text }, action);
      // A refused upgrade does not always keep its HTTP status on the way up: ask the API server.
      const access = await cluster.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'portforward' }, namespace).catch(() => undefined);
      if (access?.allowed === false) return toKubeError({ code: 403 }, action);
      return text === undefined || text.startsWith('[object ') ? undefined : new SquirrlyError(text);
    },
  };
}

async function openProxy(cluster: KubeCluster, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>): Promise<RestTransport> {
  const service = restServiceName(facts.name);
  const port = await servicePort(cluster, service, facts);
  const tunnel = await openServiceProxy(cluster.config, facts.namespace, service, port);
  return {
    via: 'proxy',
    route: `the API server's service proxy to ${service}:${port}`,
    baseUrl: tunnel.baseUrl,
    lastError: () => tunnel.lastError(),
    close: () => tunnel.close(),
    diagnose: async () => {
      const text = tunnel.lastError();
      return tunnel.lastProblem() ?? (text === undefined ? undefined : new SquirrlyError(text));
    },
  };
}

/**
 * The service port to proxy to: the one named "rest", else the one serving rest.port. Without
 * `get services` the operator's port name is used as is.
 */
async function servicePort(cluster: KubeCluster, service: string, facts: Pick<DeploymentFacts, 'name' | 'namespace' | 'restPort'>): Promise<string> {
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
