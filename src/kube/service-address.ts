// A Service reached by its cluster DNS name, `<service>.<namespace>.svc`, as a pod reaches it: the
// pod's resolver search list completes it whatever the cluster's domain is. The name is looked up
// once before use so that "not inside the cluster" is one clear line instead of a fetch failure, and
// a failed connection is explained by trying the port once.
import { promises as dns } from 'node:dns';
import net from 'node:net';
import { describeCause, SquirrlyError } from '../errors.ts';

export function serviceDnsName(service: string, namespace: string): string {
  return `${service}.${namespace}.svc`;
}

const OUTSIDE_HINT = 'the service name only resolves where cluster DNS does (inside a pod); use --via port-forward from outside the cluster';

/** Resolves the name with the system resolver (as every client in the pod would), bounded by `timeoutMs`. */
export async function resolveServiceName(host: string, timeoutMs: number): Promise<string> {
  const lookup = dns.lookup(host).then((answer) => answer.address);
  const bound = timeoutMs > 0 ? Math.min(timeoutMs, 30_000) : 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), bound);
  });
  try {
    return await Promise.race([lookup, timeout]);
  } catch (err) {
    throw new SquirrlyError(`cannot resolve ${host} (${describeCause(err)}): --via direct needs the cluster's DNS`, { hint: OUTSIDE_HINT });
  } finally {
    clearTimeout(timer);
  }
}

/** After a failed request: can a TCP connection to host:port be made at all? An error naming the fix when not. */
export function diagnoseServicePort(target: { service: string; namespace: string; host: string; port: number }, timeoutMs: number): Promise<SquirrlyError | undefined> {
  const { host, port } = target;
  const bound = timeoutMs > 0 ? Math.min(timeoutMs, 5_000) : 5_000;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem: SquirrlyError | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(unreachable(target, 'no answer')), bound);
    socket.on('connect', () => done(undefined));
    socket.on('error', (err) => done(unreachable(target, describeCause(err))));
  });
}

function unreachable(target: { service: string; namespace: string; host: string; port: number }, why: string): SquirrlyError {
  return new SquirrlyError(`cannot connect to ${target.host}:${target.port} (${why})`, {
    hint: `check that the service has ready endpoints (kubectl get endpoints ${target.service} -n ${target.namespace}) and that no NetworkPolicy keeps this pod out, or use --via port-forward`,
  });
}
