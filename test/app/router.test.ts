import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';

type T = Awaited<ReturnType<typeof testApp>>;

describe('the router every transport feeds', () => {
  let t: T;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers a button or form it does not know in words', async () => {
    const b = await t.app.handlers.button({ requestKey: 'b1', userId: 'U0ONCALL01', channelId: 'C0GENERAL', action: 'mystery.press', value: '1' });
    expect(b).toMatchObject({ refused: true });
    expect(b.message?.fallback).toBe('drbot does not know the button "mystery.press".');
    const f = await t.app.handlers.form({ requestKey: 'f1', userId: 'U0ONCALL01', callbackId: 'mystery', values: {}, privateMetadata: '' });
    expect(f.message?.fallback).toBe('drbot does not know the form "mystery".');
  });

  it('turns an unexpected error into an answer with an error id, and keeps working', async () => {
    const now = t.clock.now.bind(t.clock);
    t.clock.now = () => {
      throw new Error('the clock broke');
    };
    const broken = await t.dr('list');
    expect(broken.refused).toBe(true);
    expect(broken.message?.fallback).toMatch(/^Something went wrong on drbot's side \(error [0-9a-f]{8}, logged\)/);
    t.clock.now = now;
    expect((await t.dr('list')).message?.fallback).toBe('No open incidents.');
  });
});
