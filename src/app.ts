import type { Agent } from 'node:https';
import { hostname } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { ConsoleChat } from './adapters/console/chat.ts';
import { ConsoleTransport } from './adapters/console/transport.ts';
import { InProcessRateLimiter, InProcessWakeBus } from './adapters/redis/inProcess.ts';
import { createPrometheusMetrics } from './adapters/prometheus/index.ts';
import { parseAlertmanagerWebhook } from './adapters/alertmanager/webhook.ts';
import type * as SlackAdapter from './adapters/slack/transport.ts';
import type { Env } from './config/env.ts';
import type { Config } from './config/load.ts';
import { opsRoutes } from './http/ops.ts';
import { InFlight } from './http/inFlight.ts';
import { ALERTS_BODY_LIMIT, SLACK_BODY_LIMIT } from './http/bodyLimit.ts';
import { createHttpServer, listen, sendText, type Routes } from './http/server.ts';
import { integrationStatus, type IntegrationState } from './integrationStatus.ts';
import { dnsSimulationSeed } from './core/dnsSimulationSeed.ts';
import { createIntegrationAdapters } from './integrationAdapters.ts';
import type { Handlers } from './inbound.ts';
import type { ChatPort, Clock, Health, RateLimiter, WakeBus } from './ports.ts';
import { StepRunner } from './scheduler/runner.ts';
import { DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from './scheduler/runnerOptions.ts';
import { refreshStaleCards } from './service/cards.ts';
import { postDueCalendarNotices } from './service/drills/calendar.ts';
import { drillStepGuard } from './service/drills/guard.ts';
import type { AppContext } from './service/context.ts';
import { createHandlers } from './service/router.ts';
import { handleCommand } from './service/commands.ts';
import { DeclareJournal, ReadCache } from './service/declareJournal.ts';
import { StoreRole } from './service/role.ts';
import { STEP_KINDS } from './service/steps/registry.ts';
import { recordOpenIncidents } from './service/openIncidentsMetric.ts';
import { checkReadiness } from './service/readiness.ts';
import { statusRoutes } from './http/status.ts';
import { alertRoutes } from './http/alerts.ts';
import { chatTransport } from './config/transport.ts';
import type { Db } from './store/db.ts';
import { DeclareBatcher } from './store/declareBatcher.ts';
import { IncidentCache, type IncidentCacheOptions } from './store/incidentCache.ts';
import { openStore } from './store/index.ts';
import { isReadOnlyStore, isStoreUnavailable } from './store/unavailable.ts';
import { listIncidentChannels } from './store/sql/listIncidentChannels.ts';

export interface AppOptions {
  env: Env;
  config: Config;
  log: Logger;
  clock?: Clock;
  /** An already open store (tests), not closed on stop; otherwise opened from DATABASE_URL / DRBOT_DATA_DIR. */
  db?: Db;
  /** The store being opened (main starts it before loading the config); closed on stop. */
  store?: Promise<Db>;
  runner?: Partial<RunnerOptions>;
  /** Console streams (default: the process's). */
  stdio?: { input: Readable; out: Writable; err: Writable };
  /** The user the console types as. */
  consoleUser?: string;
  /** Listen address (default all interfaces). */
  host?: string;
  /** A chat port to use instead of Slack or the console (tests wire a fake in at the port). */
  chat?: ChatPort;
  /** Timings of the `/dr status` cache (tests shorten the heartbeat). */
  incidentCache?: IncidentCacheOptions;
  /** An https.Agent for PagerDuty (a stand-in's throwaway CA). */
  pagerAgent?: Agent;
}

export const WAKE_TOPIC = 'steps';

/** Wires every part together. The only module that knows all of them. */
export async function createApp(o: AppOptions) {
  const { env, config, log } = o;
  const clock = o.clock ?? { now: () => new Date() };
  const prometheus = createPrometheusMetrics();
  const { metrics } = prometheus;
  const db = o.db ?? (await (o.store ?? openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DRBOT_DATA_DIR, log })));

  let bus: WakeBus = new InProcessWakeBus();
  let limiter: RateLimiter = new InProcessRateLimiter();
  let redisHealth: Health | undefined;
  let closeRedis = async () => {};
  // The SDKs of Redis and Slack are loaded only when configured (ioredis ~150 ms, Bolt ~300 ms
  // and ~30 MiB): the embedded default never pays for them.
  if (env.REDIS_URL) {
    const { connectRedis } = await import('./adapters/redis/redis.ts');
    const r = connectRedis(env.REDIS_URL);
    ({ bus, limiter } = r);
    redisHealth = r.health;
    closeRedis = r.close;
  }

  const useConsole = chatTransport(env) === 'console';
  const stdio = o.stdio ?? { input: process.stdin, out: process.stdout, err: process.stderr };
  const people = new Map(Object.values(config.contacts.people).filter((p) => p.slack).map((p) => [p.slack!, p.name]));
  let chat: ChatPort;
  let slack: ReturnType<typeof SlackAdapter.createSlackTransport> | undefined;
  // The handlers are called only once a transport runs, after the context below exists.
  const handlers: Handlers = {
    command: (input) => router.command(input),
    button: (input) => router.button(input),
    form: (input) => router.form(input),
    event: (e) => router.event(e),
  };
  const inFlight = new InFlight();
  if (o.chat) {
    chat = o.chat;
  } else if (env.SLACK_BOT_TOKEN && !useConsole) {
    const { createSlackTransport } = await import('./adapters/slack/transport.ts');
    slack = createSlackTransport({
      botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN,
      handlers, log, metrics, inFlight,
    });
    chat = slack.chat;
  } else {
    // Channels of earlier runs come from the store: ids and names never collide after a restart.
    chat = new ConsoleChat((t) => stdio.out.write(`${t}\n`), (id) => people.get(id) ?? id, await listIncidentChannels(db));
  }

  const worker = env.DRBOT_INSTANCE_ID ?? `${hostname()}:${process.pid}`;
  let runner: StepRunner;
  const incidentReads = new IncidentCache(db, log, { ...o.incidentCache, onRead: (from) => metrics.statusReads.inc({ from }) });
  const ctx: AppContext = {
    db, incidentReads, declares: new DeclareBatcher(db), clock, chat, config, log, metrics, limiter,
    ...createIntegrationAdapters(env, { pagerAgent: o.pagerAgent, now: () => clock.now(), dnsSeed: dnsSimulationSeed(config.runbooks) }),
    name: (id) => people.get(id) ?? id,
    wake: () => {
      runner?.wake();
      bus.publish(WAKE_TOPIC).catch(() => undefined);
    },
  };
  // Declares during a store outage are kept on local disk and declared when the store is back.
  const journal = new DeclareJournal(env.DRBOT_DATA_DIR);
  // Active or standby (a read-only streaming replica): read from the database, checked every 2 s.
  const role = new StoreRole({ db, log, clock, region: env.DRBOT_REGION, worker, onPromoted: () => runner.wake() });
  const router = createHandlers(ctx, { journal, reads: new ReadCache(), role });
  let replayTimer: NodeJS.Timeout | undefined;
  let calendarTimer: NodeJS.Timeout | undefined;
  const replayJournal = () => {
    if (!journal.entries().length) return;
    journal.replay(ctx, (input) => handleCommand(ctx, input))
      .then((n) => n && ctx.wake())
      .catch((e) => log.warn({ err: e }, 'replaying the local declare journal failed; will try again'));
  };

  // On the console, each step's outcome is printed as it happens (in Slack it shows on the card).
  const onFinished = chat instanceof ConsoleChat ? (id: number, text: string) => stdio.out.write(`  · INC-${id} ${text}\n`) : undefined;
  const workerDb = db.fork(5);
  const workerCtx = { ...ctx, db: workerDb };
  runner = new StepRunner(workerCtx, STEP_KINDS, {
    ...DEFAULT_RUNNER_OPTIONS, ...config.settings.scheduler, onFinished, deferWhile: () => inFlight.busy, paused: () => role.standby, afterPass: (stepsFirst) => refreshStaleCards(workerCtx, stepsFirst), stepGuard: drillStepGuard, ...o.runner, worker,
  });
  await bus.subscribe(WAKE_TOPIC, () => runner.wake());

  const routes: Routes = {
    ...opsRoutes({
      readiness: async () => {
        const r = await checkReadiness({ db, redis: redisHealth });
        // A standby answers reads: ready, and says what it is.
        if (role.standby) return { ...r, degraded: [...r.degraded, 'standby'], checks: { ...r.checks, role: role.label() } };
        return r;
      },
      metrics: async () => {
        await recordOpenIncidents(ctx);
        return prometheus.exposition();
      },
    }),
    ...statusRoutes(ctx),
    ...alertRoutes(ctx, { token: env.DRBOT_ALERTS_TOKEN, parse: parseAlertmanagerWebhook }),
    'POST /slack/events': slack?.httpReceiver
      ? (req, res) => slack!.httpReceiver!.handle(req, res)
      : (_req, res) => sendText(res, 404, 'Slack over HTTP is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.\n'),
  };
  const server = createHttpServer(routes, log, {
    bodyLimits: { 'POST /slack/events': SLACK_BODY_LIMIT, 'POST /alerts': ALERTS_BODY_LIMIT },
    storeProblem: (e) => (isReadOnlyStore(e) ? 'read-only' : isStoreUnavailable(e) ? 'unavailable' : undefined),
  });
  let consoleDone: Promise<void> | undefined;

  return {
    ctx,
    runner,
    handlers,
    chat,
    limiter,
    port: 0,
    async start() {
      this.port = await listen(server, env.PORT, o.host);
      await slack?.start();
      await role.start();
      incidentReads.start();
      runner.start();
      replayJournal();
      replayTimer = setInterval(replayJournal, 2_000);
      replayTimer.unref();
      // The drill calendar's notices (briefing, due, a quarter without a drill), checked each minute.
      calendarTimer = setInterval(() => {
        if (!role.standby) void postDueCalendarNotices(ctx).catch((e) => log.warn({ err: e }, 'drill calendar check failed; will try again'));
      }, 60_000);
      calendarTimer.unref();
      log.info({ port: this.port, transport: chat.transport, store: db.engine, redis: !!env.REDIS_URL, worker }, 'drbot started');
      for (const i of integrationStatus(env)) {
        if (i.simulated) log.info({ integration: i.name, missing: i.missing, simulated: i.simulated }, 'integration not configured: it runs against the built-in simulation (nothing leaves this machine; DRBOT_SIMULATE=off turns it off)');
        else if (!i.configured) log.info({ integration: i.name, missing: i.missing }, 'integration not configured: its steps are recorded as "not sent (no credentials)"');
      }
      if (chat instanceof ConsoleChat) {
        const line = (i: IntegrationState) => `  ${i.configured ? '✓' : i.simulated ? '~' : '–'} ${i.name}${i.configured ? ''
          : i.simulated ? `: SIMULATED — ${i.simulated}; nothing leaves this machine (state in ${env.DRBOT_DATA_DIR}) — set ${i.missing.join(', ')} for the real one`
            : `: not sent (no credentials) — set ${i.missing.join(', ')}`}`;
        stdio.out.write(`drbot is running (HTTP on port ${this.port}, store: ${db.engine}).\nIntegrations:\n${integrationStatus(env).map(line).join('\n')}\n`);
        const transport = new ConsoleTransport(handlers, chat, stdio, { user: o.consoleUser ?? 'U0CONSOLE' });
        consoleDone = transport.run();
      }
    },
    /** Resolves when the console's input ends (/quit or end of file); never in Slack mode. */
    consoleDone: () => consoleDone ?? new Promise<void>(() => undefined),
    async stop() {
      clearInterval(replayTimer);
      clearInterval(calendarTimer);
      role.stop();
      await runner.stop();
      await slack?.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await bus.close();
      await closeRedis();
      await incidentReads.stop();
      await workerDb.close();
      if (!o.db) await db.close();
    },
  };
}

export type DrbotApp = Awaited<ReturnType<typeof createApp>>;
