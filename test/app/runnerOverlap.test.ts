import { afterEach, describe, expect, it } from 'vitest';
import { textMessage } from '../../src/core/message.ts';
import { openChannelKind } from '../../src/service/steps/openChannel.ts';
import type { Message } from '../../src/core/message.ts';
import type { ChatPort } from '../../src/ports.ts';
import type { StepGuard } from '../../src/scheduler/runnerOptions.ts';
import { slackKind } from '../../src/service/steps/messages.ts';
import { postStep } from '../../src/service/steps/post.ts';
import { plantSteps } from '../../src/store/sql/plantSteps.ts';
import { SLACK_CHANNELS } from '../helpers/configDir.ts';
import { ENGINES } from '../helpers/db.ts';
import { declaredIncident } from '../helpers/declared.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { until } from '../helpers/until.ts';

type S = Awaited<ReturnType<typeof slackApp>>;

/**
 * The scheduler loop claims the next steps while earlier ones are still being sent: a slow
 * provider call holds up its own incident's later steps (they keep their order), not other
 * incidents' steps falling due meanwhile.
 */
describe.each(ENGINES)('scheduler passes overlap (%s)', (engine) => {
  let s: S | undefined;
  afterEach(async () => {
    s?.slack.assertNoViolations();
    await s?.close();
    s = undefined;
  });

  /** How late the step started, by the runner's record (once its outcome is written). */
  async function startedLate(id: string): Promise<number> {
    const row = await until(`${id} written`, async () => (await s!.db.query<{ late: number }>(`SELECT (result->>'lateMs')::int AS late FROM steps WHERE step_id = $1 AND status = 'done'`, [id]))[0], 5_000);
    return row.late;
  }

  it('a step due while another incident\'s send is slow starts on time; one incident\'s steps keep their order', async () => {
    s = await slackApp({ engine });
    const at = new Date();
    const [slow, other] = await Promise.all(['Slow provider', 'Other incident'].map((title) => declaredIncident(s!.db, { title, severity: 3, by: 'U0ONCALL01', at })));
    const post = (id: string, dueIn: number) => postStep(id, id, 'engineering', textMessage([`${id}.`]), new Date(Date.now() + dueIn));
    // The first message the stand-in receives takes 1.5 s to answer.
    s.slack.delayNext('chat.postMessage', 1_500);
    await plantSteps(s.db, slow.id, [post('slow-first', 300), post('slow-second', 600)]);
    await plantSteps(s.db, other.id, [post('other', 600)]);

    const arrived = (text: string) => s!.slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === SLACK_CHANNELS.engineering && c.args.text === text)?.at;
    await until('three messages at the stand-in', () => ['slow-first.', 'slow-second.', 'other.'].every(arrived), 10_000);
    await until('the slow message answered', () => s!.slack.calls.find((c) => c.args.text === 'slow-first.')?.status, 5_000);
    const answered = arrived('slow-first.')! + 1_500;
    // Without overlapping passes, `other` would wait ~1.2 s for the slow send to be over.
    expect(arrived('other.')!).toBeLessThan(answered - 500);
    expect(await startedLate('other')).toBeLessThan(300);
    // The same incident's next step waited for the slow one.
    expect(arrived('slow-second.')!).toBeGreaterThan(answered - 10); // (timers and Date.now() round to the ms)
    expect(await startedLate('slow-second')).toBeGreaterThan(900);
  });
  it('after a pass that claimed nothing, the next step is still claimed ahead and started on time', async () => {
    // Long idle sleeps: only the runner's own computed wake-up can claim the step in time.
    s = await slackApp({ engine, runner: { idleMs: 10_000 } });
    const incident = await declaredIncident(s.db, { title: 'Quiet until the next step', severity: 3, by: 'U0ONCALL01', at: new Date() });
    const due = Date.now() + 700;
    await plantSteps(s.db, incident.id, [postStep('quiet-next', 'quiet-next', 'engineering', textMessage(['quiet-next.']), new Date(due))]);
    // This pass finds nothing due within aheadMs (100 ms): it claims nothing and sleeps.
    s.app.runner.wake();
    let claimedBy = Infinity;
    for (const end = Date.now() + 5_000; Date.now() < end;) {
      const [row] = await s.db.query<{ taken: boolean }>(`SELECT lease_until IS NOT NULL OR status <> 'pending' AS taken FROM steps WHERE step_id = 'quiet-next'`);
      if (row.taken) {
        claimedBy = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    // Claimed about aheadMs before it fell due (it was claimed only at its due time, then
    // started a claim and a read late, when the runner slept until the due time itself).
    expect(claimedBy).toBeLessThan(due - 30);
    await until('the message at the stand-in', () => s!.slack.calls.find((c) => c.args.text === 'quiet-next.'), 5_000);
  });
  it('a step claimed ahead is made ready before its due time (message drawn and encoded); only the send is left then', async () => {
    // The chat a step runs with records when its post was made ready and when it was sent.
    const times: { ready?: number; sent?: number } = {};
    const recording: StepGuard = {
      withholds: () => undefined,
      context: (ctx) => ({
        ...ctx,
        chat: Object.assign(Object.create(ctx.chat) as ChatPort, {
          preparePost: (channel: string, message: Message) => {
            times.ready = Date.now();
            const send = ctx.chat.preparePost!(channel, message);
            return () => ((times.sent = Date.now()), send());
          },
        }),
      }),
    };
    s = await slackApp({ engine, runner: { stepGuard: recording } });
    const incident = await declaredIncident(s.db, { title: 'Made ready ahead', severity: 3, by: 'U0ONCALL01', at: new Date() });
    const due = Date.now() + 600;
    await plantSteps(s.db, incident.id, [slackKind.plan({ stepId: 'ready-ahead', source: 'chain', label: 'ready-ahead', dueAt: new Date(due), params: { channel: 'engineering', template: 'initial-notification' } })]);
    const arrived = await until('the message at the stand-in', () => s!.slack.calls.find((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('Made ready ahead')), 5_000);
    // Made ready when claimed (up to aheadMs, 100 ms, before), sent at the due time, not before.
    expect(times.ready).toBeLessThan(due - 10);
    expect(times.sent).toBeGreaterThanOrEqual(due - 1); // (timers and Date.now() round to the ms)
    expect(arrived.at).toBeGreaterThanOrEqual(due - 1);
    expect(await startedLate('ready-ahead')).toBeLessThan(50);
  });
  it('a later batch\'s step runs with what an earlier, still running step of its incident changed', async () => {
    s = await slackApp({ engine });
    const incident = await declaredIncident(s.db, { title: 'Channel opens slowly', severity: 3, by: 'U0ONCALL01', at: new Date() });
    s.slack.delayNext('conversations.create', 1_000);
    await plantSteps(s.db, incident.id, [
      openChannelKind.plan({ stepId: 'open', source: 'system', label: 'Open the channel', dueAt: new Date(Date.now() + 200), params: {} }),
      postStep('into-channel', 'into-channel', 'incident', textMessage(['into-channel.']), new Date(Date.now() + 500)),
    ]);
    const post = await until('the post in the new channel', () => s!.slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.text === 'into-channel.'), 10_000);
    const [channel] = s.slack.channels.filter((c) => c.name.includes('channel-opens-slowly'));
    expect(post.args.channel).toBe(channel.id);
    // Claimed while the channel was being created, it was not sent with the incident as read
    // then (no channel: "not open yet", tried again a second later) but read again after.
    const [row] = await s.db.query<{ attempts: number }>(`SELECT attempts FROM steps WHERE step_id = 'into-channel'`);
    expect(row.attempts).toBe(1);
  });
  it('a card redraw waits while a step this replica claimed is being sent', async () => {
    // The cap on that wait is raised, so only the claimed step's send can end it.
    s = await slackApp({ engine, runner: { maxDeferMs: 3_000 } });
    const [withCard, other] = await Promise.all(['Has a card', 'Slow send'].map((title) => declaredIncident(s!.db, { title, severity: 3, by: 'U0ONCALL01', at: new Date() })));
    // The first incident's card, as posted and drawn.
    const posted = await (await fetch(`${s.slack.url}chat.postMessage`, {
      method: 'POST', headers: { authorization: `Bearer ${s.slack.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: SLACK_CHANNELS.engineering, text: 'the card' }),
    })).json() as { ts: string };
    await s.db.query('UPDATE incidents SET channel_id = $1, card_ts = $2, card_version = version WHERE id = $3', [SLACK_CHANNELS.engineering, posted.ts, withCard.id]);
    s.slack.delayNext('chat.postMessage', 200);
    s.slack.delayNext('chat.postMessage', 500);
    const now = Date.now();
    // A chain step (not a system one): its outcome changes the incident, so its card falls stale.
    await plantSteps(s.db, withCard.id, [{ ...postStep('card-first', 'card-first', 'engineering', textMessage(['card-first.']), new Date(now + 300)), source: 'chain' }]);
    // Claimed (~0.1 s ahead) while card-first is being sent; still being sent when card-first's
    // outcome is written and its card falls stale.
    await plantSteps(s.db, other.id, [postStep('slow-other', 'slow-other', 'engineering', textMessage(['slow-other.']), new Date(now + 450))]);
    const update = await until('the card redrawn', () => s!.slack.calls.find((c) => c.method === 'chat.update' && c.args.ts === posted.ts), 10_000);
    const slow = s.slack.calls.find((c) => c.args.text === 'slow-other.')!;
    // Without the wait, the redraw went out ~0.3 s before slow-other was answered.
    expect(update.at).toBeGreaterThanOrEqual(slow.at + 500 - 5);
  });
  it('claims at most one and a half batches ahead of the sends: a slow provider does not pull the whole backlog in', async () => {
    s = await slackApp({ engine, runner: { batch: 2 } });
    const incidents = await Promise.all(Array.from({ length: 8 }, (_, k) => declaredIncident(s!.db, { title: `Backlog ${k}`, severity: 3, by: 'U0ONCALL01', at: new Date() })));
    // Answers take 0.15 s, 0.3 s, … in the order the messages arrive: one send of a batch ends before the other.
    for (let k = 0; k < 8; k++) s.slack.delayNext('chat.postMessage', 150 * (k + 1));
    const due = new Date();
    for (const [k, i] of incidents.entries()) await plantSteps(s.db, i.id, [postStep(`backlog-${k}`, `backlog-${k}`, 'engineering', textMessage([`backlog-${k}.`]), due)]);
    // Claimed and not yet sent: leased in the store, and not yet answered by the stand-in (a step
    // answered keeps its lease a few ms more, until its outcome is written).
    let most = 0;
    await until('eight messages answered', async () => {
      const leased = await s!.db.query<{ step_id: string }>(`SELECT step_id FROM steps WHERE status = 'pending' AND lease_until IS NOT NULL AND step_id LIKE 'backlog-%'`);
      const answered = new Set(s!.slack.calls.filter((c) => c.status && String(c.args.text).startsWith('backlog-')).map((c) => String(c.args.text).slice(0, -1)));
      most = Math.max(most, leased.filter((r) => !answered.has(r.step_id)).length);
      const [{ left }] = await s!.db.query<{ left: number }>(`SELECT count(*)::int AS left FROM steps WHERE status = 'pending' AND step_id LIKE 'backlog-%'`);
      return left === 0;
    }, 15_000);
    // A batch of 2; once one of its sends is over the next batch is claimed beside the other.
    expect(most).toBe(3);
  });
});
