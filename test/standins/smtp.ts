import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives (tests receive real mail).
 * `mail` is the message as mailparser reads it: headers (lower-case names, encoded words
 * decoded), `text` and `html` with their transfer encoding undone.
 */
export interface Received {
  mailFrom: string;
  rcptTo: string[];
  user?: string;
  raw: string;
  mail: ParsedMail;
  /** Date.now() when the message's data had arrived (before the server answered). */
  at: number;
}

/** Every server started, so a test file can close them all after each test. */
export const servers: SMTPServer[] = [];

/** Closes every SMTP server started so far (for a test file's afterEach). */
export async function closeSmtpServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
}

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
        const at = Date.now();
        await o.beforeReply?.();
        const refused = o.data?.();
        if (refused) return cb(refused);
        const raw = Buffer.concat(chunks);
        let mail: ParsedMail;
        try {
          mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
        } catch (e) {
          return cb(smtpError(554, `5.6.0 the stand-in cannot read this message: ${(e as Error).message}`));
        }
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: raw.toString('utf8'),
          mail,
          at,
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
