/**
 * `npm run bench:slack-fetch`: CPU of one Slack Web API call (chat.postMessage through the
 * WebClient drbot uses) with Node's built-in fetch, with drbot's kept-alive node:http fetch, and
 * with drbot's client as built (that fetch, the timeout in it), in the same process and run
 * (rounds alternate; the local server's CPU is counted in each).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { createSlackClient } from '../src/adapters/slack/chat.ts';
import { keepAliveFetch } from '../src/adapters/slack/fetch.ts';
import { fmt } from './lib.ts';

const N = Number(process.env.BENCH_CALLS ?? 3000);
const srv = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true,"channel":"C1","ts":"1.2"}');
  });
});
await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/`;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// Each with the 10 s bound drbot keeps on a call: the WebClient's own `timeout` (an AbortSignal
// per call) for the first two, the fetch's timer in drbot's client (createSlackClient).
const retryConfig = { retries: 0 };
const cases: Record<string, () => InstanceType<typeof webApi.WebClient>> = {
  'built-in fetch': () => new webApi.WebClient('xoxb-bench', { slackApiUrl: url, retryConfig, timeout: 10_000 }),
  'keepAliveFetch + client timeout': () => new webApi.WebClient('xoxb-bench', { slackApiUrl: url, retryConfig, timeout: 10_000, fetch: keepAliveFetch() }),
  "drbot's client": () => createSlackClient('xoxb-bench', url),
};
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round < 4; round++) {
  for (const [name, make] of Object.entries(cases)) {
    const client = make();
    const before = cpuMs();
    let i = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (i++ < N) await client.chat.postMessage({ channel: 'C1', text: 'Lagos region unreachable', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(200) } }] });
    }));
    // Round 0 warms them up and is not counted.
    if (round) cpu[name].push((cpuMs() - before) / N);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nSlack Web API call CPU — ${new Date().toISOString()} — node ${process.version}, ${N} calls a round, 3 rounds counted`);
for (const name of Object.keys(cases)) console.log(`${name.padEnd(32)} ${fmt(median(cpu[name]), 3)} ms CPU a call (client and local server)`);
console.log(`keepAliveFetch + client timeout / built-in fetch: ×${fmt(median(cpu['keepAliveFetch + client timeout']) / median(cpu['built-in fetch']), 2)}`);
console.log(`drbot's client / keepAliveFetch + client timeout: ×${fmt(median(cpu["drbot's client"]) / median(cpu['keepAliveFetch + client timeout']), 2)}`);
srv.close();
process.exit(0);
