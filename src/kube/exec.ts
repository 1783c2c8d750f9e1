// Runs an argv command in a pod container (never a shell string built from input) and streams
// its stdout to a Writable. The exit code comes from the status channel; a socket that closes
// without a status counts as success, exactly as kubectl treats it.
import { PassThrough, type Writable } from 'node:stream';
import { SquirrlyError } from '../errors.ts';
import type { KubeConfig, V1Status } from './client-node.ts';
import { toKubeError } from './api-errors.ts';
import type { ExecResult } from './cluster.ts';

export async function execInPod(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string; server: string },
  argv: string[],
  stdout: Writable,
  timeoutMs: number,
): Promise<ExecResult> {
  const { Exec } = await import('./client-node.ts');
  const stderrStream = new PassThrough();
  let stderr = '';
  stderrStream.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  let status: V1Status | undefined;
  let ws;
  try {
    ws = await new Exec(kc).exec(target.namespace, target.pod, target.container, argv, stdout, stderrStream, null, false, (s) => {
      status = s;
    });
  } catch (err) {
    throw toKubeError(err, { verb: 'create', resource: 'pods/exec', namespace: target.namespace, name: target.pod, server: target.server });
  }
  const socket = ws;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new SquirrlyError(`exec in pod ${target.pod} timed out after ${Math.round(timeoutMs / 1000)}s`, { hint: 'raise --request-timeout' }));
    }, timeoutMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return { exitCode: exitCodeOf(status), stderr };
}

function exitCodeOf(status: V1Status | undefined): number {
  if (!status || status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}
