import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { testApp } from '../helpers/app.ts';

type T = Awaited<ReturnType<typeof testApp>>;

describe('a hostile title, end to end', () => {
  let t: T;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is stored without bidi or zero-width characters, and its masked link is inert in the channel topic', async () => {
    await t.dr('declare sev3 Re\u200Bset \u202Eknil\u202C <https://evil.example|click here>', 'U0ONCALL01');
    await t.drain();
    const i = (await getIncident(t.db, 1))!;
    expect(i.title).toBe('Reset knil <https://evil.example|click here>');
    const [topic] = t.chat.calls.filter((c) => c.method === 'setTopic').map((c) => c.args as string);
    expect(topic).toBe('INC-1 · SEV-3 · Reset knil <\u200Bhttps://evil.example|click here>');
  });
});
