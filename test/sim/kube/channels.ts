// Channel-framed streaming over a WebSocket ([channel byte][payload]) with backpressure in both directions,
// so large transfers stream with flat memory.
import type { Readable, Writable } from 'node:stream';
import { WebSocket } from 'ws';

/** Unsent bytes above which the source is paused, and below which it is resumed. */
const highWaterMark = 1024 * 1024;
const lowWaterMark = 256 * 1024;

export function channelFrame(channel: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const frame = Buffer.allocUnsafe(body.length + 1);
  frame[0] = channel;
  body.copy(frame, 1);
  return frame;
}

export function sendFrame(ws: WebSocket, channel: number, payload: Buffer | string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(channelFrame(channel, payload), { binary: true });
}

/** Forwards a readable's data as frames on `channel`, pausing it while the socket has too much unsent data. */
export function pipeToChannel(source: Readable, ws: WebSocket, channel: number): void {
  let unsent = 0;
  source.on('data', (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = channelFrame(channel, chunk);
    unsent += frame.length;
    ws.send(frame, { binary: true }, () => {
      unsent -= frame.length;
      if (unsent <= lowWaterMark && source.isPaused()) source.resume();
    });
    if (unsent >= highWaterMark) source.pause();
  });
}

/** Writes client data to `target`, pausing the WebSocket while `target` is full. */
export function writeWithBackpressure(ws: WebSocket, target: Writable, data: Buffer): void {
  if (target.destroyed || target.writableEnded) return;
  if (!target.write(data) && !ws.isPaused) {
    ws.pause();
    target.once('drain', () => ws.resume());
  }
}

/** Normalises the `ws` message payload into one Buffer. */
export function messageBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
