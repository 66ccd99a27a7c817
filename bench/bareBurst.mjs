/**
 * The floor under `npm run bench:e2e`'s burst: a plain Node process that posts one Slack message
 * at each given due time (a timer each, kept-alive connections opened beforehand, as drbot's are
 * after the declares), and nothing else — no store, no claim, no outcome written. Two of these
 * share a burst as drbot's two replicas do; what they measure is what this machine's timers,
 * loopback HTTP and the stand-in cost on their own.
 *
 * Reads one JSON line on stdin: { url, token, dues: [{ at, body }] }; prints `ready` once its
 * connections are open and `done` once every post is answered.
 */
import http from 'node:http';
import { createInterface } from 'node:readline';

const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });

function post(url, token, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { url, token, dues, warm } = JSON.parse(line);
  const target = new URL(`${url}chat.postMessage`);
  // As many connections as drbot's replica has kept alive from the declares (auth.test: no message).
  await Promise.all(Array.from({ length: warm }, () => post(new URL(`${url}auth.test`), token, '{}')));
  console.log('ready');
  await Promise.all(dues.map(({ at, body }) => new Promise((resolve, reject) => {
    setTimeout(() => post(target, token, body).then(resolve, reject), Math.max(0, at - Date.now()));
  })));
  console.log('done');
}
