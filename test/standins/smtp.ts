import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 that keeps what it receives (tests receive real mail). */
export interface Received { mailFrom: string; rcptTo: string[]; user?: string; raw: string }

/** Every server started, so a test file can close them all after each test. */
export const servers: SMTPServer[] = [];

export const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtp(o: {
  auth?: { user: string; pass: string };
  rcpt?: (address: string) => Error | undefined;
  data?: () => Error | undefined;
  /** Called when a message's data has arrived, before the server answers (a slow server: await here). */
  beforeReply?: () => Promise<void>;
} = {}): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const options: SMTPServerOptions = {
    secure: false,
    // No STARTTLS: the client would upgrade and then refuse the server's self-signed certificate.
    disabledCommands: o.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !o.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === o.auth?.user && auth.password === o.auth?.pass) cb(null, { user: auth.username });
      else cb(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, cb) {
      cb(o.rcpt?.(address.address) ?? null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        await o.beforeReply?.();
        const refused = o.data?.();
        if (refused) return cb(refused);
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME to read nodemailer's output: headers, and the parts of a multipart body. */
export function parseMime(raw: string): { headers: Record<string, string>; parts: { type: string; body: string }[] } {
  const split = (s: string) => {
    const at = s.indexOf('\r\n\r\n');
    const head = s.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
    const headers = Object.fromEntries(head.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { headers, body: s.slice(at + 4) };
  };
  const decode = (body: string, encoding = '7bit') => {
    if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
    if (encoding !== 'quoted-printable') return body.replace(/\r\n$/, '');
    const bytes = body.replace(/=\r\n/g, '').replace(/\r\n$/, '');
    return Buffer.from(bytes.replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  };
  const top = split(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers['content-type'] ?? '')?.[1];
  const bodies = boundary ? top.body.split(`--${boundary}`).slice(1, -1) : [raw];
  const parts = bodies.map((b) => split(b.replace(/^\r\n/, ''))).map((p) => ({
    type: (p.headers['content-type'] ?? '').split(';')[0], body: decode(p.body, p.headers['content-transfer-encoding']),
  }));
  return { headers: top.headers, parts };
}


/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`) in a header value. */
export function decodeHeader(value: string): string {
  return value.replace(/\s*=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) => {
    if (enc.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}
