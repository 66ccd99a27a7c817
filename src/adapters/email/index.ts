import { NotConfigured, type Mail, type MailerPort } from '../../ports.ts';
import { createSmtpClient, type SmtpClient } from './client.ts';
import { parseEmailConfig, type EmailOptions } from './config.ts';

export { emailOptionsFromEnv, type EmailOptions } from './config.ts';

/** A header name as RFC 5322 allows it (no colon, space or control character). */
const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * Email over SMTP with nodemailer: plain text plus optional HTML, to/cc, and drbot's own
 * headers (e.g. `X-Drbot-Incident`). Without SMTP_URL every send throws NotConfigured.
 * SMTP has no idempotency key: a crash during a send may repeat it (at-least-once).
 */
export function createMailer(opts: EmailOptions): MailerPort {
  const cfg = parseEmailConfig(opts);
  let client: SmtpClient | undefined;

  return {
    async send(m: Mail) {
      if (!cfg.smtpUrl) throw new NotConfigured('Email', ['SMTP_URL']);
      if (m.to.length === 0) throw new Error('Email not sent: no recipients');
      for (const name of Object.keys(m.headers ?? {})) {
        if (!HEADER_NAME.test(name)) throw new Error(`Email not sent: invalid header name ${JSON.stringify(name)}`);
      }
      client ??= createSmtpClient(cfg.smtpUrl, cfg);
      return client.send({
        from: cfg.from, to: m.to, cc: m.cc?.length ? m.cc : undefined, subject: m.subject, text: m.text, html: m.html, headers: m.headers,
      });
    },
  };
}
