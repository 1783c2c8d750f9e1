// Runs an argv command in a pod container (never a shell string built from input) and streams
// its stdout to a Writable. The exit code comes from the status channel; a socket that closes
// without a status counts as success, exactly as kubectl treats it. The deadline bounds each
// silence of the output, not how long a flowing command runs.
import { PassThrough, Writable } from 'node:stream';
import { ByteCapError, describeBytes } from '../byte-cap.ts';
import { formatMs, IdleDeadline } from '../deadline.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import type { KubeConfig, V1Status } from './client-node.ts';
import { toKubeError } from './api-errors.ts';
import type { ExecResult } from './cluster.ts';

export async function execInPod(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string; server: string },
  argv: string[],
  stdout: Writable,
  options: { timeoutMs: number; maxBytes?: number; signal?: AbortSignal },
): Promise<ExecResult> {
  const { Exec } = await import('./client-node.ts');
  const deadline = new IdleDeadline(options.timeoutMs, options.signal ? { parent: options.signal } : {});
  const stderrStream = new PassThrough();
  let stderr = '';
  stderrStream.on('data', (chunk: Buffer) => {
    deadline.progress(chunk.length);
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  let seen = 0;
  const overCap = new AbortController();
  // Forwards to the caller's stream (which the caller ends), counting bytes for the cap and the deadline.
  const meter = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      deadline.progress(chunk.length);
      if (options.maxBytes !== undefined && seen > options.maxBytes) {
        overCap.abort();
        callback();
        return;
      }
      if (stdout.write(chunk)) callback();
      else stdout.once('drain', () => callback());
    },
  });
  let status: V1Status | undefined;
  let ws;
  try {
    ws = await new Exec(kc).exec(target.namespace, target.pod, target.container, argv, meter, stderrStream, null, false, (s) => {
      status = s;
    });
  } catch (err) {
    deadline.dispose();
    if (options.signal?.aborted) throw new InterruptedError();
    throw toKubeError(err, { verb: 'create', resource: 'pods/exec', namespace: target.namespace, name: target.pod, server: target.server });
  }
  const socket = ws;
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = (err: Error): void => {
        socket.terminate();
        reject(err);
      };
      const onDeadline = (): void => {
        if (options.signal?.aborted) stop(new InterruptedError());
        else stop(new SquirrlyError(`exec in pod ${target.pod}: no output for ${formatMs(deadline.ms)}`, { hint: 'the pod may be overloaded; raise --request-timeout' }));
      };
      if (deadline.signal.aborted) onDeadline();
      deadline.signal.addEventListener('abort', onDeadline, { once: true });
      overCap.signal.addEventListener('abort', () => stop(new ByteCapError(`exec in pod ${target.pod}: more than ${describeBytes(options.maxBytes ?? 0)} of output`, options.maxBytes ?? 0)), { once: true });
      socket.on('close', () => resolve());
      socket.on('error', (err) => reject(err));
    });
  } finally {
    deadline.dispose();
  }
  return { exitCode: exitCodeOf(status), stderr };
}

function exitCodeOf(status: V1Status | undefined): number {
  if (!status || status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}
