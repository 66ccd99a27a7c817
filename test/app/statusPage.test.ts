import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { testApp } from '../helpers/app.ts';
import { testConfigDir } from '../helpers/configDir.ts';
import { startStatusPageStandIn, type StatusPageStandIn } from '../standins/statuspage/server.ts';

const ADA = 'U0ONCALL01';
const TUNDE = 'U0ENGLEAD1';
const API = 'ftgks51sfs2d';
const VOICE = 'm3vjnbwvf6y1';
const DASH = 'q8b2lk3s0fzc';
type T = Awaited<ReturnType<typeof testApp>>;

/** drbot.yml mapping affected services to the stand-in's components; SEV-1 and SEV-2 go public at declare. */
function configDir(review: boolean): string {
  return testConfigDir({
    'drbot.yml': (d) => {
      d.status_page = { components: { api: API, 'voice-lagos': VOICE, dashboard: DASH }, on_declare: [1, 2], review };
    },
  });
}

describe('the public status page on Atlassian Statuspage (stand-in checked against its API description)', () => {
  let t: T;
  let sp: StatusPageStandIn;
  let channel: string;
  afterEach(async () => {
    await t.close();
    sp.assertNoViolations();
    await sp.close();
  });

  async function start(review: boolean) {
    sp = await startStatusPageStandIn({ apiKey: 'sp-key', pageId: 'kctbh9vrtdwd' });
    t = await testApp({ configDir: configDir(review), env: { STATUSPAGE_API_KEY: 'sp-key', STATUSPAGE_PAGE_ID: 'kctbh9vrtdwd', STATUSPAGE_API_URL: sp.url } });
    const reply = await t.app.handlers.form({
      requestKey: 'declare-1', userId: ADA, callbackId: 'declare', privateMetadata: '{"private":false}',
      values: { severity: 'sev1', title: 'Lagos region unreachable', impact: 'CDR processing delayed', services: 'api, voice-lagos' },
    });
    expect(reply.declaredIncident).toBe(1);
    await t.drain();
    channel = (await getIncident(t.db, 1))!.channelId!;
  }
  const dr = async (text: string, key?: string) => {
    const r = await t.dr(text, ADA, channel, key);
    expect(r.refused, r.message?.fallback).toBeFalsy();
    await t.drain();
    return r;
  };
  const press = (value: string, user: string, key: string) => t.app.handlers.button({ requestKey: key, userId: user, channelId: channel, action: 'statuspage.publish', value });

  it('declare, public update, status change and resolve: one Statuspage incident, components by severity, operational at the end', async () => {
    await start(false);
    expect(sp.incidents).toHaveLength(1);
    const [inc] = sp.incidents;
    // The public name: never the internal title.
    expect(inc.name).toBe('Major outage: api, voice-lagos');
    expect(inc.incident_updates[0].body).toBe('[INVESTIGATING] We are aware of an issue affecting VoxGuard fraud detection services. Our team is actively investigating. We will provide updates every 30m.');
    expect([sp.components[API].status, sp.components[VOICE].status, sp.components[DASH].status]).toEqual(['major_outage', 'major_outage', 'operational']);

    await dr('update identified --public Failing over to Abuja');
    await dr('sev 2 only Lagos affected now');
    await dr('update monitoring traffic on Abuja');
    expect(sp.components[API].status).toBe('partial_outage');
    await dr('resolve Failed over to Abuja', 'resolve-1');
    await dr('resolve Failed over to Abuja', 'resolve-1');
    expect(sp.incidents).toHaveLength(1);
    expect(inc.status).toBe('resolved');
    expect(inc.incident_updates.map((u) => u.status)).toEqual(['resolved', 'monitoring', 'identified', 'investigating']);
    expect(inc.incident_updates[0].body).toBe('[RESOLVED] The issue affecting VoxGuard fraud detection services has been resolved. Failed over to Abuja. Thank you for your patience.');
    expect(inc.incident_updates[2].body).toContain('[IDENTIFIED] We have identified the cause of the issue affecting VoxGuard fraud detection services and are working on a fix. Failing over to Abuja');
    expect(Object.values(sp.components).map((c) => c.status)).toEqual(['operational', 'operational', 'operational']);
    expect(sp.calls.map((c) => [c.method, c.status])).toEqual([['POST', 201], ['PATCH', 200], ['PATCH', 200], ['PATCH', 200]]);
  });

  it('a cancelled (false alarm) incident is set back to resolved and operational, with no PIR', async () => {
    await start(false);
    await dr('cancel probe misconfigured');
    expect(sp.incidents[0].status).toBe('resolved');
    expect(sp.components[API].status).toBe('operational');
    expect((await listSteps(t.db, 1)).filter((s) => s.source === 'pir')).toEqual([]);
  });

  it('with review on, nothing goes out until Publish; one send however many clicks; a stale update is refused', async () => {
    await start(true);
    expect(sp.calls).toEqual([]);
    const reviewPost = t.chat.calls.filter((c) => c.method === 'post' && c.channel === channel).at(-1)!;
    expect(t.chat.texts('post', channel).at(-1)!.trim()).toBe('Public status update for review (investigating) — nothing is sent until someone presses Publish:\n[INVESTIGATING] We are aware of an issue affecting VoxGuard fraud detection services. Our team is actively investigating. We will provide updates every 30m.');
    const button = reviewPost.message!.blocks.find((b) => b.type === 'actions')!;
    expect(button).toEqual({ type: 'actions', buttons: [{ action: 'statuspage.publish', label: 'Publish', value: '1:statuspage-declare', style: 'primary' }] });

    const first = await press('1:statuspage-declare', TUNDE, 'click-1');
    expect(first.message?.fallback).toBe('Publishing the investigating update of INC-1 to the status page.');
    expect(await press('1:statuspage-declare', TUNDE, 'click-1')).toEqual(first); // Slack retried the click
    const second = await press('1:statuspage-declare', ADA, 'click-2'); // someone else, a moment later
    expect(second.message?.fallback).toBe('Already published (someone pressed Publish first).');
    await t.drain();
    expect(sp.incidents).toHaveLength(1);
    expect(sp.incidents[0].incident_updates[0].body).toContain('[INVESTIGATING]');

    await dr('update identified --public Failing over to Abuja');
    expect(sp.incidents[0].incident_updates).toHaveLength(1);
    const pending = JSON.stringify(t.chat.calls.filter((c) => c.method === 'post' && c.channel === channel).at(-1)!.message);
    const value = /"value":"(1:statuspage-update-\d+)"/.exec(pending)![1];
    await dr('update monitoring fix applied');
    const stale = await press(value, TUNDE, 'click-3');
    expect(stale.refused).toBe(true);
    expect(stale.message?.fallback).toBe('This update says "identified" but INC-1 is monitoring now. Post a new one with `/dr update --public`.');
    const broken = await press('1:no-such-step', TUNDE, 'click-4');
    expect(broken).toMatchObject({ refused: true, message: { fallback: 'That public update is not waiting for review.' } });
    await t.drain();
    expect(sp.incidents[0].incident_updates).toHaveLength(1);
    expect((await t.db.query('SELECT key FROM public_updates ORDER BY at')).map((r) => r.key)).toEqual(['statuspage-declare-published']);
  });
});
