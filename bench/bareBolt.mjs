/** The baseline: a Bolt app that only acks `/dr`, as plain JavaScript (drbot is measured as its build, so neither pays a TypeScript loader). Same signing and receiver work as drbot, nothing else. */
import bolt from '@slack/bolt';
const { App, HTTPReceiver, LogLevel } = bolt;
const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, logLevel: LogLevel.ERROR });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN, receiver, logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/dr', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
await app.start(Number(process.env.PORT ?? 0));
const addr = receiver.server?.address();
console.log(`ready on ${addr?.port ?? process.env.PORT}`);
// So a profile (BENCH_NODE_ARGS=--cpu-prof) is written when the benchmark stops it.
process.on('SIGTERM', () => process.exit(0));
