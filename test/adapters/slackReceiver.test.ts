import { createHmac, randomBytes } from 'node:crypto';
import { isValidSlackRequest } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { slackSignatureProblem } from '../../src/adapters/slack/receiver.ts';
import { SLACK_CHANNELS } from '../helpers/configDir.ts';
import { postToDrbot, signSlackRequest, slashCommandBody } from '../helpers/slackRequests.ts';
import { slackApp, SIGNING_SECRET } from '../helpers/slackApp.ts';

const NOW_MS = Date.parse('2026-12-06T12:00:00Z');
const NOW_S = NOW_MS / 1000;

/** One request as Slack would sign it, then changed in one way (or not). */
function variant(k: number): { headers: Record<string, string>; body: string; why: string } {
  const secret = `secret-${k % 7}`;
  const body = slashCommandBody({ text: `status INC-${k} ${randomBytes(3).toString('hex')}`, user_id: 'U0ONCALL01', channel_id: SLACK_CHANNELS.general });
  const stamp = NOW_S - (k % 5) * 70; // 0 to 280 s old: all in the window
  const headers = signSlackRequest(secret, body, stamp);
  const sig = headers['x-slack-signature'];
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);
  const cases: [string, () => void][] = [
    ['as signed', () => {}],
    ['signed with another secret', () => (headers['x-slack-signature'] = signSlackRequest(`${secret}x`, body, stamp)['x-slack-signature'])],
    ['one hex digit changed', () => (headers['x-slack-signature'] = flip(sig, 3 + (k % 64)))],
    ['signature cut short', () => (headers['x-slack-signature'] = sig.slice(0, -2))],
    ['another version', () => (headers['x-slack-signature'] = `v1=${sig.slice(3)}`)],
    ['no signature', () => delete (headers as Partial<typeof headers>)['x-slack-signature']],
    ['timestamp changed after signing', () => (headers['x-slack-request-timestamp'] = String(stamp - 1))],
    ['stale: signed 301 s ago', () => Object.assign(headers, signSlackRequest(secret, body, NOW_S - 301))],
    ['no timestamp', () => delete (headers as Partial<typeof headers>)['x-slack-request-timestamp']],
    ['body changed after signing', () => {}],
  ];
  const [why, change] = cases[k % cases.length];
  change();
  return { headers, body: why === 'body changed after signing' ? `${body}&x=1` : body, why };
}

describe('Slack request signatures (drbot checks them itself; Bolt\'s verifySlackRequest is the reference)', () => {
  it('accepts and refuses exactly what Bolt does, over 900 requests changed one way or another', () => {
    const disagree: string[] = [];
    let accepted = 0;
    for (let k = 0; k < 900; k++) {
      const { headers, body, why } = variant(k);
      const secret = `secret-${k % 7}`;
      const ours = slackSignatureProblem(secret, headers, Buffer.from(body), NOW_MS) === undefined;
      const bolts = isValidSlackRequest({
        signingSecret: secret, body, nowMilliseconds: NOW_MS,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      });
      if (ours !== bolts) disagree.push(`${k} ${why}: drbot ${ours}, Bolt ${bolts}`);
      if (ours) accepted++;
    }
    expect(disagree).toEqual([]);
    expect(accepted).toBe(90); // the "as signed" tenth
  });

  it('says why it refuses, and refuses a stamp from the future as it does one from the past', () => {
    const body = Buffer.from('command=%2Fdr&text=help');
    const sign = (stamp: number) => signSlackRequest(SIGNING_SECRET, body.toString(), stamp);
    expect(slackSignatureProblem(SIGNING_SECRET, sign(NOW_S - 299), body, NOW_MS)).toBeUndefined();
    expect(slackSignatureProblem(SIGNING_SECRET, sign(NOW_S + 299), body, NOW_MS)).toBeUndefined();
    expect(slackSignatureProblem(SIGNING_SECRET, sign(NOW_S - 301), body, NOW_MS)).toMatch(/more than 5 minutes old/);
    expect(slackSignatureProblem(SIGNING_SECRET, sign(NOW_S + 301), body, NOW_MS)).toMatch(/more than 5 minutes in the future/);
    expect(slackSignatureProblem('another-secret', sign(NOW_S), body, NOW_MS)).toBe('signature mismatch');
    const upper = sign(NOW_S);
    upper['x-slack-signature'] = `v0=${upper['x-slack-signature'].slice(3).toUpperCase()}`;
    expect(slackSignatureProblem(SIGNING_SECRET, upper, body, NOW_MS)).toMatch(/v0=<64 hex digits>/);
    expect(slackSignatureProblem(SIGNING_SECRET, { ...sign(NOW_S), 'x-slack-request-timestamp': `${NOW_S}.5` }, body, NOW_MS)).toMatch(/whole seconds/);
    expect(slackSignatureProblem(SIGNING_SECRET, { ...sign(NOW_S), 'x-slack-request-timestamp': [String(NOW_S)] as unknown as string }, body, NOW_MS)).toMatch(/whole seconds/);
  });

  it('checks the bytes Slack signed, also where they are not valid UTF-8 (Bolt decodes first and refuses them)', () => {
    const body = Buffer.concat([Buffer.from('command=%2Fdr&text='), Buffer.from([0xff, 0xfe, 0x41])]);
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${NOW_S}:`).update(body).digest('hex')}`;
    const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(NOW_S) };
    expect(slackSignatureProblem(SIGNING_SECRET, headers, body, NOW_MS)).toBeUndefined();
    expect(isValidSlackRequest({ signingSecret: SIGNING_SECRET, body: body.toString(), nowMilliseconds: NOW_MS, headers: { ...headers, 'x-slack-request-timestamp': NOW_S } })).toBe(false);
  });
});

describe('Slack\'s endpoint, as Slack calls it', () => {
  let s: Awaited<ReturnType<typeof slackApp>>;
  afterEach(async () => {
    s.slack.assertNoViolations();
    await s.close();
  });

  it('answers Slack\'s unsigned SSL check with 200 and acts on nothing smuggled into it; answers a signed url_verification with its challenge', async () => {
    s = await slackApp();
    const smuggled = `ssl_check=1&${slashCommandBody({ text: 'declare sev1 Smuggled in an SSL check', user_id: 'U0EVIL', channel_id: SLACK_CHANNELS.general })}`;
    const check = await fetch(`${s.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: smuggled });
    expect(check.status).toBe(200);
    expect(await check.text()).toBe('');
    const challenge = JSON.stringify({ token: 'standin-verification-token', challenge: 'c-8d1f', type: 'url_verification' });
    const verified = await postToDrbot(s.base, challenge, { secret: SIGNING_SECRET });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ challenge: 'c-8d1f' });
    expect((await postToDrbot(s.base, challenge, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n).toBe(0);
  });

  it('answers /dr with a JSON body of stated length (no chunked encoding), and a signed body that is not JSON with 400', async () => {
    s = await slackApp();
    const res = await s.command('help');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(JSON.parse(text).text).toContain('/dr declare');
    expect((await postToDrbot(s.base, '{"type": "event_callback",', { secret: SIGNING_SECRET })).status).toBe(400);
  });
});
