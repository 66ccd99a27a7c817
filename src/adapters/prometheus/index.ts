import client from 'prom-client';
import type { Metrics } from '../../ports.ts';

export interface PrometheusMetrics {
  /** The port the application records through. */
  metrics: Metrics;
  /** The Prometheus text exposition of everything recorded (GET /metrics). */
  exposition(): Promise<{ contentType: string; text: string }>;
}

/**
 * drbot's metrics on prom-client, the only importer of it. One registry per app so tests and
 * replicas don't share state. Node's default metrics carry the `drbot_` prefix too
 * (`drbot_process_cpu_user_seconds_total`, `drbot_nodejs_eventloop_lag_seconds` …).
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'drbot_' });
  const metrics: Metrics = {
    incidentsDeclared: new client.Counter({
      name: 'drbot_incidents_declared_total', help: 'Incidents declared, by severity', labelNames: ['severity'] as const, registers: [registry],
    }),
    openIncidents: new client.Gauge({
      name: 'drbot_open_incidents', help: 'Open incidents, by severity', labelNames: ['severity'] as const, registers: [registry],
    }),
    slackRequestSeconds: new client.Histogram({
      name: 'drbot_slack_request_duration_seconds', help: 'Time from a Slack request arriving to its ack',
      labelNames: ['kind'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    errors: new client.Counter({
      name: 'drbot_errors_total', help: 'Errors, by where they happened', labelNames: ['where'] as const, registers: [registry],
    }),
    statusReads: new client.Counter({
      name: 'drbot_status_reads_total', help: 'Incidents read for /dr status, by where from (memory: the cache; store: the database)', labelNames: ['from'] as const, registers: [registry],
    }),
    steps: new client.Counter({
      name: 'drbot_steps_total', help: 'Scheduled steps finished, by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry],
    }),
    stepLatenessSeconds: new client.Histogram({
      name: 'drbot_step_lateness_seconds', help: 'How late a step started after it fell due',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300], registers: [registry],
    }),
    timeToAcknowledgeSeconds: new client.Histogram({
      name: 'drbot_time_to_acknowledge_seconds', help: 'Declaration to first acknowledged page, per resolved incident (mode real or drill)',
      labelNames: ['mode', 'severity'] as const, buckets: [60, 300, 900, 1800, 3600, 7200], registers: [registry],
    }),
    timeToRecoverSeconds: new client.Histogram({
      name: 'drbot_time_to_recover_seconds', help: 'Declaration to recovery (mitigation, else resolution), by tier of the affected services (mode real or drill)',
      labelNames: ['mode', 'tier'] as const, buckets: [300, 900, 1800, 3600, 7200, 14400, 28800, 86400], registers: [registry],
    }),
    rtoAttainment: new client.Counter({
      name: 'drbot_rto_attainment_total', help: 'Resolved incidents that met or missed the RTO of their tier (mode real or drill)',
      labelNames: ['mode', 'tier', 'outcome'] as const, registers: [registry],
    }),
  };
  return {
    metrics,
    async exposition() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
