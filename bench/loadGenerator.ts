/**
 * The ack benchmark's load generator, in a process of its own. It sends signed `/dr` requests
 * over keep-alive connections with Node's own HTTP client and reports each latency.
 *
 * Why a process of its own, and not `fetch`: run inside the benchmark with `fetch`, the generator
 * used 0.6–0.7 ms of CPU per request, more than either server (~0.4), so it was the bottleneck;
 * reading drbot's 2 KB `/dr help` answer cost it 0.1 ms more than bare Bolt's 41 bytes, which
 * showed as drbot's lower throughput. And it shared an event loop with the Slack stand-in, which
 * is busy with drbot's background calls after a declare (and idle for bare Bolt), so drbot's
 * acks were timed late. Here it does nothing else.
 *
 * Protocol (IPC): the parent sends `{ port, secret, count, concurrency, text, vary }`; the child
 * answers `{ latencies, wallMs, cpuMs, errors }`. `vary` appends the request's index to the text
 * (declares need distinct titles).
 */
import { Agent, request } from 'node:http';
import { slashCommandBody, signSlackRequest, triggerId } from '../test/helpers/slackRequests.ts';
import { load } from './lib.ts';

export interface LoadRequest { port: number; secret: string; count: number; concurrency: number; text: string; vary: boolean; channel: string }
export interface LoadResult { latencies: number[]; wallMs: number; cpuMs: number; errors: string[] }

const agents = new Map<number, Agent>();

function post(port: number, secret: string, body: string): Promise<void> {
  let agent = agents.get(port);
  if (!agent) agents.set(port, (agent = new Agent({ keepAlive: true, maxSockets: 64 })));
  const headers = { ...signSlackRequest(secret, body), 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers, agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`answered ${res.statusCode}`));
      res.resume(); // read the body to its end, as Slack does
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

process.on('message', async (m: LoadRequest) => {
  const errors: string[] = [];
  const before = process.cpuUsage();
  const r = await load(m.count, m.concurrency, (i) =>
    post(m.port, m.secret, slashCommandBody({ text: m.vary ? `${m.text} ${i}` : m.text, user_id: 'U0ONCALL01', channel_id: m.channel, trigger_id: triggerId() }))
      .catch((e: Error) => void errors.push(e.message)));
  const cpu = process.cpuUsage(before);
  process.send!({ ...r, cpuMs: (cpu.user + cpu.system) / 1000, errors } satisfies LoadResult);
});
process.send!({ ready: true });
