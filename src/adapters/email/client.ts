/**
 * The only importer of nodemailer. One SMTP transport per mailer; each send opens its own
 * connection (drbot sends a handful of mails per incident, a pool would only hold sockets).
 * nodemailer is loaded with the first mail (a drbot without SMTP never loads it).
 */
import type { NodemailerError, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { TransientError, type Mail } from '../../ports.ts';
import type { EmailConfig } from './config.ts';

export type OutgoingMail = Mail & { from: string };

export interface SmtpClient {
  send(m: OutgoingMail): Promise<{ messageId: string; accepted: string[] }>;
}

export function createSmtpClient(smtpUrl: string, cfg: EmailConfig): SmtpClient {
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;
  const load = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: cfg.connectionTimeoutMs,
    greetingTimeout: cfg.greetingTimeoutMs,
    socketTimeout: cfg.socketTimeoutMs,
    // The AUTH exchange would print the password (base64) to a logger: keep nodemailer quiet.
    logger: false,
    debug: false,
  })));
  const secrets = passwordForms(smtpUrl);
  return {
    async send(m) {
      const t = await load();
      try {
        const info = await t.sendMail(m);
        // Some recipients may have been refused while others got it: report what went out,
        // since a retry would send the mail again to those who already have it.
        return { messageId: info.messageId, accepted: info.accepted.map(String) };
      } catch (e) {
        throw classify(e as NodemailerError, secrets);
      }
    },
  };
}

/** Codes nodemailer gives to a failed or dropped connection (nothing was refused). */
const CONNECTION = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'ETLS']);
const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * RFC 5321: a 4yz reply is transient, a 5yz reply permanent, except 503 (bad sequence of
 * commands: the session, not the message, was wrong). Connection trouble is transient unless
 * the certificate is not trusted; anything else (bad address, missing auth) will not fix itself.
 */
function classify(err: NodemailerError, secrets: string[]): Error {
  const text = scrub(`Email not sent${err.code ? ` (${err.code})` : ''}: ${err.message}`, secrets);
  if (typeof err.responseCode === 'number') {
    return err.responseCode >= 500 && err.responseCode !== 503 ? new Error(text) : new TransientError(text);
  }
  if (err.code && CONNECTION.has(err.code)) {
    if (TLS_TRUST.test(`${err.originalCode ?? ''} ${err.message}`)) return new Error(`${text} (the server's certificate is not trusted)`);
    return new TransientError(text);
  }
  return new Error(text);
}

/** The URL's password as written and decoded: neither may appear in an error message. */
function passwordForms(smtpUrl: string): string[] {
  try {
    const raw = new URL(smtpUrl).password;
    return raw ? [...new Set([raw, decodeURIComponent(raw)])] : [];
  } catch {
    return [];
  }
}

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
}
