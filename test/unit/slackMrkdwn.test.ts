import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, inlineToMrkdwn } from '../../src/adapters/slack/blocks.ts';

describe('Slack mrkdwn from drbot text', () => {
  it('escapes the three characters Slack parses, each wherever it is, and nothing else', () => {
    expect(escapeMrkdwn('<!channel> & <@U0A> > 1 & 2 < 3')).toBe('&lt;!channel&gt; &amp; &lt;@U0A&gt; &gt; 1 &amp; 2 &lt; 3');
    expect(escapeMrkdwn('Lagos *down* _now_ `x` ~y~')).toBe('Lagos *down* _now_ `x` ~y~');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('a title can never become a mention, a link or a broadcast', () => {
    expect(inlineToMrkdwn({ bold: '<!here|x>' })).toBe('*&lt;!here|x&gt;*');
    expect(inlineToMrkdwn({ link: 'https://e.example/<a>|b', label: 'a|b <c>' })).toBe('<https://e.example/ab|a¦b &lt;c&gt;>');
    expect(inlineToMrkdwn({ user: 'not-an-id' })).toBe('@not-an-id');
  });
});
