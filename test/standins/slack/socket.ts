import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The smallest WebSocket server end (RFC 6455) the Socket Mode stand-in needs.
 *
 * Why not the `ws` package: it is not installed. @slack/socket-mode 3.x connects with undici's
 * built-in WebSocket client and no longer depends on `ws`, and the brief forbids `npm install`.
 * So this speaks the protocol directly: the opening handshake, unmasking client frames, text
 * messages (also fragmented), ping → pong (the Socket Mode client pings every ~1.7 s and drops
 * the connection when no pong comes back), and the close handshake. Binary messages and
 * extensions (permessage-deflate) are not offered, so a client never sends them.
 */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export class MiniWebSocket {
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;
  private readonly onText: ((text: string) => void)[] = [];
  private readonly onClose: (() => void)[] = [];

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  on(event: 'message', cb: (text: string) => void): void;
  on(event: 'close', cb: () => void): void;
  on(event: 'message' | 'close', cb: ((text: string) => void) | (() => void)): void {
    if (event === 'message') this.onText.push(cb as (text: string) => void);
    else this.onClose.push(cb as () => void);
  }

  send(text: string): void {
    if (!this.closed) this.socket.write(frame(OP.text, Buffer.from(text, 'utf8')));
  }

  /** Starts the close handshake (1000 = normal closure), then drops the TCP connection. */
  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.socket.write(frame(OP.close, payload));
    this.socket.end();
    this.finish();
  }

  /** Drops the connection without a close frame (what a crashed Slack edge would do). */
  terminate(): void {
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.onClose) cb();
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const parsed = parseFrame(this.buffered);
      if (!parsed) return;
      this.buffered = this.buffered.subarray(parsed.size);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP.ping) return void this.socket.write(frame(OP.pong, payload));
    if (opcode === OP.pong) return;
    if (opcode === OP.close) {
      // Echo the close frame (completing the handshake the client started), then hang up.
      if (!this.closed) this.socket.write(frame(OP.close, payload.subarray(0, 2)));
      this.socket.end();
      return this.finish();
    }
    if (opcode === OP.text || opcode === OP.binary || opcode === OP.continuation) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString('utf8');
      this.fragments = [];
      for (const cb of this.onText) cb(text);
    }
  }
}

/** Answers an HTTP `upgrade` request with the 101 handshake; returns undefined when it is not a WebSocket request. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer = Buffer.alloc(0)): MiniWebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') return undefined;
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
  const ws = new MiniWebSocket(socket);
  // Bytes that arrived with the upgrade request already belong to the first frame.
  if (head.length) socket.unshift(head);
  return ws;
}

/** Server frames are never masked (RFC 6455 §5.1). */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** One frame from the front of `buf`, or undefined when it has not fully arrived yet. */
function parseFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buf[maskAt + (i % 4)];
  return { fin, opcode, payload, size: offset + len };
}
