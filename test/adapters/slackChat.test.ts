import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackChat } from '../../src/adapters/slack/chat.ts';
import { textMessage } from '../../src/core/message.ts';
import { SlackWebApi } from '../../src/adapters/slack/webApi.ts';
import { MAX_RETRY_AFTER_MS } from '../../src/core/retryAfter.ts';
import { TransientError } from '../../src/ports.ts';
import { startSlackStandIn, type SlackStandIn } from '../standins/slack/server.ts';

let slack: SlackStandIn;
let chat: SlackChat;

beforeEach(async () => {
  slack = await startSlackStandIn({ channels: [{ id: 'C0INCIDENTS', name: 'incidents' }] });
  chat = new SlackChat(new SlackWebApi(slack.botToken, slack.url));
});
afterEach(async () => {
  slack.assertNoViolations();
  await slack.close();
});

describe('Slack chat adapter: rate limits', () => {
  it('a 429 is a TransientError carrying Retry-After, bounded like every other provider\'s', async () => {
    slack.rateLimitNext('chat.postMessage', 7);
    const e = await chat.post('C0INCIDENTS', textMessage(['Lagos region unreachable'])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(7000);

    slack.rateLimitNext('chat.postMessage', 86_400);
    await expect(chat.post('C0INCIDENTS', textMessage(['Lagos region unreachable']))).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: MAX_RETRY_AFTER_MS });
    expect(slack.messages('C0INCIDENTS')).toEqual([]);
  });
});

describe('Slack chat adapter: Slack\'s refusals', () => {
  it('a refusal the application acts on keeps its code; any other is "other"; inviting someone already there is not a failure', async () => {
    slack.failNext('conversations.create', 'name_taken');
    await expect(chat.createChannel('inc-lagos', { private: false })).rejects.toMatchObject({ name: 'ChatError', code: 'name_taken', message: 'Slack refused: name_taken' });
    slack.failNext('chat.postMessage', 'msg_too_long');
    await expect(chat.post('C0INCIDENTS', textMessage(['Lagos region unreachable']))).rejects.toMatchObject({ name: 'ChatError', code: 'other', message: 'Slack refused: msg_too_long' });

    const channel = await chat.createChannel('inc-lagos', { private: false });
    expect(channel).toEqual({ id: slack.channelByName('inc-lagos')!.id, name: 'inc-lagos' });
    slack.failNext('conversations.invite', 'already_in_channel');
    await chat.invite(channel.id, ['U0ONCALL01']);
    slack.failNext('conversations.invite', 'user_not_found');
    await expect(chat.invite(channel.id, ['U0NOBODY'])).rejects.toMatchObject({ name: 'ChatError', code: 'other' });
    expect(slack.calls.map((c) => `${c.method}${c.error ? ` ${c.error}` : ''}`)).toEqual([
      'conversations.create name_taken', 'chat.postMessage msg_too_long', 'conversations.create', 'conversations.invite already_in_channel', 'conversations.invite user_not_found',
    ]);
  });
});
