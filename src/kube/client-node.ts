// The only import of @kubernetes/client-node (and of undici, its HTTP client). Loaded lazily by the
// commands that talk to a cluster, so `--help`, `version` and `analyze` start without it (and the
// single binary can split it out).
export {
  ApiException,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Exec,
  KubeConfig,
  dumpYaml,
  loadYaml,
  PortForward,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  VersionApi,
} from '@kubernetes/client-node';
export type { Cluster, Context, RequestContext, User, V1CronJob, V1Job, V1Pod, V1Status } from '@kubernetes/client-node';
// client-node's own HTTP client, for a dispatcher of our own and the Pyroscope push; re-exported here so it
// stays in client-node's chunk, out of the startup bundle
export { Agent, fetch as undiciFetch, ProxyAgent, Socks5ProxyAgent } from 'undici';
export type { Dispatcher } from 'undici';
export { ResponseContext } from '@kubernetes/client-node';
// the default HTTP library, so a call can use it with its own signal and a capped body
export { IsomorphicFetchHttpLibrary } from '@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js';
export type { ConfigurationOptions, HttpLibrary, Observable, ResponseBody } from '@kubernetes/client-node';
