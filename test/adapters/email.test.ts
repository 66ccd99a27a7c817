import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/adapters/email/index.ts';
import { NotConfigured, TransientError } from '../../src/ports.ts';
import { smtpError, startSmtp, closeSmtpServers } from '../standins/smtp.ts';

afterEach(async () => {
  await closeSmtpServers();
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the send to fail');
}

const FROM = 'drbot <drbot@voxguard.example>';
const mail = {
  to: ['oncall@voxguard.example', 'sre-lead@voxguard.example'],
  cc: ['cto@voxguard.example'],
  subject: '[SEV-1] INC-7 Lagos region unreachable',
  text: 'INC-7 was declared at 10:02 WAT — Lagos region unreachable.\nJoin #inc-7-lagos.',
  html: '<p><b>INC-7</b> was declared at 10:02 WAT — Lagos region unreachable.</p>',
  headers: { 'X-Drbot-Incident': 'INC-7', 'X-Drbot-Step': 'email-exec' },
};

describe('email adapter against a real SMTP server', () => {
  it('delivers text + HTML to to/cc with drbot\'s headers', async () => {
    const smtp = await startSmtp();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM });
    const sent = await mailer.send(mail);

    expect(sent.accepted).toEqual([...mail.to, ...mail.cc]);
    expect(smtp.received).toHaveLength(1);
    const [got] = smtp.received;
    expect(got.mailFrom).toBe('drbot@voxguard.example');
    expect(got.rcptTo).toEqual([...mail.to, ...mail.cc]);

    const m = got.mail;
    expect(m.subject).toBe(mail.subject);
    expect(m.from?.value).toEqual([{ name: 'drbot', address: 'drbot@voxguard.example' }]);
    expect([m.to].flat().flatMap((a) => a?.value.map((x) => x.address))).toEqual(mail.to);
    expect([m.cc].flat().flatMap((a) => a?.value.map((x) => x.address))).toEqual(['cto@voxguard.example']);
    expect(m.headers.get('x-drbot-incident')).toBe('INC-7');
    expect(m.headers.get('x-drbot-step')).toBe('email-exec');
    expect(m.messageId).toBe(sent.messageId);
    expect(m.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(m.text).toBe(mail.text);
    expect(m.html).toBe(mail.html);
  });

  it('logs in with the user and password from the URL', async () => {
    const smtp = await startSmtp({ auth: { user: 'drbot', pass: 'p@ss:w/rd%1' } });
    const mailer = createMailer({ smtpUrl: `smtp://drbot:${encodeURIComponent('p@ss:w/rd%1')}@127.0.0.1:${smtp.port}`, from: FROM });
    await mailer.send({ to: ['oncall@voxguard.example'], subject: 'auth', text: 'plain only' });
    expect(smtp.received.map((r) => r.user)).toEqual(['drbot']);
    expect(smtp.received[0].mail.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
    expect(smtp.received[0].mail.text).toBe('plain only\n'); // a single-part body keeps the line break that ends it
    expect(smtp.received[0].mail.html).toBe(false);
  });

  it('a refused login is a plain Error that does not show the password', async () => {
    const smtp = await startSmtp({ auth: { user: 'drbot', pass: 'right-password' } });
    const mailer = createMailer({ smtpUrl: `smtp://drbot:Wr0ng-S3cret@127.0.0.1:${smtp.port}`, from: FROM });
    const err = await failure(mailer.send(mail));
    expect(err).not.toBeInstanceOf(TransientError);
    expect(err.message).toContain('535');
    expect(`${err.message}\n${err.stack}`).not.toContain('Wr0ng-S3cret');
  });

  it('a recipient refused with 550 → plain Error; other recipients still get it', async () => {
    const smtp = await startSmtp({ rcpt: (a) => (a.startsWith('nobody@') ? smtpError(550, '5.1.1 No such user') : undefined) });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM });
    const err = await failure(mailer.send({ ...mail, to: ['nobody@voxguard.example'], cc: [] }));
    expect(err).not.toBeInstanceOf(TransientError);
    expect(err.message).toMatch(/550 5\.1\.1 No such user/);
    expect(smtp.received).toHaveLength(0);

    // Partly refused: the mail went out, so it is not retried; `accepted` says who got it.
    const sent = await mailer.send({ ...mail, to: ['nobody@voxguard.example', 'oncall@voxguard.example'], cc: [] });
    expect(sent.accepted).toEqual(['oncall@voxguard.example']);
    expect(smtp.received[0].rcptTo).toEqual(['oncall@voxguard.example']);
  });

  it('a 4xx reply (try later) → TransientError', async () => {
    const smtp = await startSmtp({ data: () => smtpError(451, '4.3.0 Temporary local problem') });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM });
    const err = await failure(mailer.send(mail));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('451');
  });

  it('a server that is down → TransientError', async () => {
    const port = await freePort();
    const mailer = createMailer({ smtpUrl: `smtp://drbot:S3cret-pw@127.0.0.1:${port}`, from: FROM });
    const err = await failure(mailer.send(mail));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).not.toContain('S3cret-pw');
  });

  it('no SMTP_URL → NotConfigured', async () => {
    for (const smtpUrl of [undefined, '']) {
      const err = await failure(createMailer({ smtpUrl, from: FROM }).send(mail));
      expect(err).toBeInstanceOf(NotConfigured);
      expect(err).toMatchObject({ integration: 'Email', missing: ['SMTP_URL'] });
    }
  });

  it('header values cannot add headers; a bad header name is refused', async () => {
    const smtp = await startSmtp();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM });
    await mailer.send({ ...mail, headers: { 'X-Drbot-Incident': 'INC-7\r\nBcc: attacker@evil.example' } });
    expect(smtp.received[0].rcptTo).not.toContain('attacker@evil.example');
    expect(smtp.received[0].mail.headers.has('bcc')).toBe(false);
    expect(smtp.received[0].mail.bcc).toBeUndefined();
    expect((await failure(mailer.send({ ...mail, headers: { 'Bad Name:': 'x' } }))).message).toMatch(/invalid header name/);
  });

  it('a malformed SMTP_URL is refused at start without echoing it', () => {
    expect(() => createMailer({ smtpUrl: 'mail.example.com:25?pass=hunter22', from: FROM })).toThrow(/smtpUrl: expected smtp:\/\//);
    expect(() => createMailer({ smtpUrl: 'mail.example.com:25?pass=hunter22', from: FROM })).not.toThrow(/hunter22/);
  });
});

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
