/**
 * `npm run bench:slack-fetch`: CPU of one Slack Web API call (chat.postMessage) through Bolt's
 * WebClient with Node's built-in fetch, through the WebClient with drbot's kept-alive node:http
 * fetch, and through drbot's own client (SlackWebApi on that fetch), in the same process and run
 * (rounds alternate; the local server's CPU is counted in each).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { SlackWebApi } from '../src/adapters/slack/webApi.ts';
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
// Each with a 10 s bound on a call: the stock WebClient's own `timeout` (an AbortSignal per
// call); a timer in keepAliveFetch for the other two (the WebClient as drbot had it until
// SlackWebApi replaced it, and drbot's client as it is).
const message = { channel: 'C1', text: 'Lagos region unreachable', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(200) } }] };
const webClient = (o: ConstructorParameters<typeof webApi.WebClient>[1]) => {
  const client = new webApi.WebClient('xoxb-bench', o);
  return () => client.chat.postMessage(message);
};
const cases: Record<string, () => () => Promise<unknown>> = {
  'WebClient, built-in fetch': () => webClient({ slackApiUrl: url, retryConfig: { retries: 0 }, timeout: 10_000 }),
  'WebClient, keepAliveFetch': () => webClient({ slackApiUrl: url, retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 }, rejectRateLimitedCalls: true, timeout: 0, fetch: keepAliveFetch(process.env, { timeoutMs: 10_000 }) }),
  "drbot's client": () => {
    const api = new SlackWebApi('xoxb-bench', url);
    return () => api.call('chat.postMessage', message);
  },
};
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round < 4; round++) {
  for (const [name, make] of Object.entries(cases)) {
    const post = make();
    const before = cpuMs();
    let i = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (i++ < N) await post();
    }));
    // Round 0 warms them up and is not counted.
    if (round) cpu[name].push((cpuMs() - before) / N);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nSlack Web API call CPU — ${new Date().toISOString()} — node ${process.version}, ${N} calls a round, 3 rounds counted`);
for (const name of Object.keys(cases)) console.log(`${name.padEnd(32)} ${fmt(median(cpu[name]), 3)} ms CPU a call (client and local server)`);
console.log(`WebClient: keepAliveFetch / built-in fetch: ×${fmt(median(cpu['WebClient, keepAliveFetch']) / median(cpu['WebClient, built-in fetch']), 2)}`);
console.log(`drbot's client / the WebClient on keepAliveFetch: ×${fmt(median(cpu["drbot's client"]) / median(cpu['WebClient, keepAliveFetch']), 2)}`);
srv.close();
process.exit(0);
