// Port-forward to a simulated pod over the v4.channel.k8s.io protocol client-node speaks:
// data on channel 0, errors on channel 1, each starting with the port as little-endian uint16.
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { SimPod } from '../types.ts';
import { channelFrame, messageBuffer, pipeToChannel, sendFrame, writeWithBackpressure } from './channels.ts';

const dataChannel = 0;
const errorChannel = 1;

function portPrefix(port: number): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16LE(port, 0);
  return prefix;
}

/** Reports a forwarding error the way the kubelet words it, then ends the session. */
function failForwarding(ws: WebSocket, pod: SimPod, port: number, reason: string): void {
  sendFrame(ws, errorChannel, `error forwarding port ${port} to pod ${pod.name}, uid : ${reason}`);
  if (ws.readyState === WebSocket.OPEN) ws.close(1000);
}

/** Pipes an upgraded port-forward WebSocket to the pod's target for `port`. */
export function runPortForward(ws: WebSocket, pod: SimPod, port: number): void {
  ws.send(channelFrame(dataChannel, portPrefix(port)), { binary: true });
  ws.send(channelFrame(errorChannel, portPrefix(port)), { binary: true });

  const target = pod.portTargets[port];
  if (target === undefined) {
    failForwarding(ws, pod, port, `dial tcp4 ${pod.ip}:${port}: connect: connection refused`);
    return;
  }
  const socket = connect({ host: target.host, port: target.port });
  let connected = false;
  socket.on('connect', () => {
    connected = true;
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (!connected) {
      const reason = error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message;
      failForwarding(ws, pod, port, `dial tcp4 ${target.host}:${target.port}: ${reason}`);
      return;
    }
    failForwarding(ws, pod, port, `read tcp4 ${target.host}:${target.port}: ${error.message}`);
  });
  pipeToChannel(socket, ws, dataChannel);
  socket.on('end', () => {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  });

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    const message = messageBuffer(data);
    if (message[0] === dataChannel && message.length > 1) writeWithBackpressure(ws, socket, message.subarray(1));
  });
  ws.on('close', () => socket.destroy());
}
