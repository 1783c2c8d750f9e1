// Exec in a simulated pod: a real command through a real shell, seeing only that pod's /tmp and /opt/flink,
// streamed over the Kubernetes channel protocol (v4/v5).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { WebSocket } from 'ws';
import type { SimPod } from '../types.ts';
import { messageBuffer, pipeToChannel, sendFrame, writeWithBackpressure } from './channels.ts';

export interface ExecRequest {
  pod: SimPod;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

const stdinChannel = 0;
const stdoutChannel = 1;
const stderrChannel = 2;
const statusChannel = 3;
const closeChannel = 0xff;

// A private mount namespace with a tmpfs over /opt keeps the host untouched; the pod's folders are bound in.
// The pod root arrives as $1 so no caller text is ever part of the script.
const podFilesystemScript =
  'root=$1; shift; ' +
  'mount -t tmpfs squirrly-opt /opt && mkdir /opt/flink && ' +
  'mount --bind "$root/opt/flink" /opt/flink && mount --bind "$root/tmp" /tmp && ' +
  'cd /opt/flink && exec "$@"';

/** The container environment: never the host's, which may hold credentials. */
function containerEnvironment(): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/opt/flink', FLINK_HOME: '/opt/flink' };
}

function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    // what a WebSocket client gets: the API server re-words the kubelet's status as it relays it
    message: `command terminated with non-zero exit code: command terminated with exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function internalErrorStatus(message: string): object {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: error executing command in container: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

function finish(ws: WebSocket, status: object): void {
  sendFrame(ws, statusChannel, JSON.stringify(status));
  if (ws.readyState === WebSocket.OPEN) ws.close(1000);
}

function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs the command for an upgraded exec WebSocket and ends the session with the status frame. */
export function runExec(ws: WebSocket, request: ExecRequest): void {
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', podFilesystemScript, 'sh', request.pod.fsRoot, ...request.command],
    {
      env: containerEnvironment(),
      stdio: [request.stdin ? 'pipe' : 'ignore', request.stdout ? 'pipe' : 'ignore', request.stderr ? 'pipe' : 'ignore'],
      // its own process group, so everything the command started can be killed together
      detached: true,
    },
  );
  if (child.stdout) pipeToChannel(child.stdout, ws, stdoutChannel);
  if (child.stderr) pipeToChannel(child.stderr, ws, stderrChannel);
  child.stdin?.on('error', () => {
    // the command exited without reading all of stdin
  });

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    const message = messageBuffer(data);
    const channel = message[0];
    if (channel === stdinChannel && child.stdin) writeWithBackpressure(ws, child.stdin, message.subarray(1));
    if (channel === closeChannel && message[1] === stdinChannel) child.stdin?.end();
    // resize (4) and anything else is ignored: there is no terminal
  });
  ws.on('close', () => killProcessGroup(child));

  child.on('error', (error) => finish(ws, internalErrorStatus(error.message)));
  child.on('close', (code, signal) => {
    const exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
    finish(ws, exitStatus(exitCode));
  });
}
