import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

/**
 * The bot scopes each Web API method drbot calls needs (Slack's method reference, granular
 * bot scopes; the 2021 OpenAPI file lists legacy names such as chat:write:bot, which are not
 * valid in a manifest). A method missing here fails the test: add it with its scopes.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'views.open': [],
};
const EVENT_SCOPES: Record<string, string[]> = { pin_added: ['pins:read'], reaction_added: ['reactions:read'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const manifest = YAML.parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'));
const source = sourceFiles(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');

describe('manifest.yml', () => {
  it('has the /dr command, interactivity and events all pointing at /slack/events', () => {
    const commands = manifest.features.slash_commands;
    expect(commands.map((c: { command: string }) => c.command)).toEqual(['/dr']);
    expect(commands[0].url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(commands[0].should_escape).toBe(true);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: commands[0].url });
    expect(manifest.settings.event_subscriptions.request_url).toBe(commands[0].url);
  });

  it('asks for exactly the scopes of the methods and events drbot\'s code uses', () => {
    // Every Web API call drbot makes is `api.call<…>('conversations.create', …)` or `api.prepare<…>('chat.postMessage', …)` (SlackWebApi); a
    // method missing from METHOD_SCOPES, or listed there and no longer called, fails here.
    const called = [...new Set([...source.matchAll(/api\.(?:call|prepare)(?:<[^>]*>)?\('([a-zA-Z]+\.[a-zA-Z]+)'/g)].map((m) => m[1]))].sort();
    expect(called).toEqual(Object.keys(METHOD_SCOPES).sort());
    const events = [...new Set([...source.matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]))].sort();
    expect(manifest.settings.event_subscriptions.bot_events.slice().sort()).toEqual(events);
    const needed = new Set(['commands', ...called.flatMap((m) => METHOD_SCOPES[m]), ...events.flatMap((e) => EVENT_SCOPES[e] ?? [`unknown scope for ${e}`])]);
    expect(manifest.oauth_config.scopes.bot.slice().sort()).toEqual([...needed].sort());
  });

  it('uses granular bot scopes only (no legacy names like chat:write:bot)', () => {
    for (const scope of manifest.oauth_config.scopes.bot) expect(scope).toMatch(/^[a-z]+(:[a-z.]+)?$/);
    expect(manifest.oauth_config.scopes.bot).not.toContain('chat:write:bot');
  });
});
