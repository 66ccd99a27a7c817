import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { ALERTS, alertQueries, DASHBOARD, dashboardQueries, metricNames, promqlErrors, read, readYaml } from './deployFiles.ts';

const rules: any[] = readYaml(ALERTS).groups.flatMap((g: { rules: unknown[] }) => g.rules); // eslint-disable-line @typescript-eslint/no-explicit-any
const dashboard = JSON.parse(read(DASHBOARD));
const queries = [...alertQueries(), ...dashboardQueries()];

/** Every string literal `'drbot_…'` in src/: where drbot names its own metrics. */
function metricNamesInSource(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/['"`](drbot_[a-z0-9_]+)['"`]/g)) names.add(m[1]);
    }
  };
  walk(join(ROOT, 'src'));
  return names;
}

describe('Prometheus alert rules and Grafana dashboard', () => {
  it('every query is valid PromQL', () => {
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) expect(promqlErrors(q.expr), `${q.where}: ${q.expr}`).toEqual([]);
  });

  it("drbot's own metrics they read are named in src/ (Node's default process metrics aside)", () => {
    // The full check, default metrics included, is against a running drbot's /metrics in
    // production.test.ts; this one fails fast on a renamed metric.
    const known = metricNamesInSource();
    const own = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    for (const q of queries) {
      for (const name of metricNames(q.expr)) {
        if (name === 'up' || /^drbot_(process|nodejs)_/.test(name)) continue;
        expect([...known], `${q.where} reads ${name}`).toContain(own(name));
      }
    }
  });

  it('the rules cover drbot being down, the store, late steps, provider errors and Slack acks near 3 s', () => {
    const exprs = rules.map((r) => String(r.expr));
    const covers = (re: RegExp) => exprs.some((e) => re.test(e));
    expect(covers(/\bup\{job="drbot"\}/)).toBe(true);
    expect(covers(/drbot_errors_total\{where="metrics_store"\}/)).toBe(true);
    expect(covers(/drbot_step_lateness_seconds_bucket/)).toBe(true);
    expect(covers(/drbot_steps_total\{outcome="retry"\}/)).toBe(true);
    expect(covers(/drbot_steps_total\{outcome="failed"\}/)).toBe(true);
    expect(covers(/drbot_slack_request_duration_seconds_bucket\{le="2.5"\}/)).toBe(true);
  });

  it('every rule is a complete alert: unique name, severity, summary and description, a sane `for`', () => {
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const r of rules) {
      expect(r.alert, JSON.stringify(r)).toMatch(/^Drbot[A-Z]\w+$/);
      expect(['warning', 'critical'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
      if (r.for !== undefined) expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(Object.keys(r).filter((k) => !['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(k)), r.alert).toEqual([]);
    }
  });

  it('the dashboard imports anywhere: data source and replica as variables, unique panel ids, a 24-column grid', () => {
    expect(dashboard.uid).toBe('drbot-overview');
    expect(dashboard.title).toBe('drbot');
    const vars = dashboard.templating.list.map((v: { name: string }) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['datasource', 'instance']));
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.datasource.uid, p.title).toBe('${datasource}');
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`), `${p.title} overlaps another panel`).toBe(false);
        cells.add(`${i},${j}`);
      }
      for (const t of p.targets) expect(t.expr, `${p.title} filters on the replica variable`).toContain('instance=~"$instance"');
    }
  });

  it('the dashboard shows late steps, provider errors, Slack acks against 3 s and the store', () => {
    const all = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)).join('\n');
    for (const m of ['drbot_step_lateness_seconds_bucket', 'drbot_steps_total', 'drbot_slack_request_duration_seconds_bucket', 'drbot_errors_total', 'drbot_open_incidents', 'up{']) {
      expect(all).toContain(m);
    }
  });
});
