import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import YAML from 'yaml';
import { ROOT } from '../helpers/paths.ts';

/** What test/deploy reads: the packaging files at the repository root and under deploy/. */
export const DEPLOY = join(ROOT, 'deploy');
export const K8S = join(DEPLOY, 'kubernetes');
export const ENV_EXAMPLE = join(DEPLOY, 'drbot.env.example');
export const ALERTS = join(DEPLOY, 'prometheus', 'drbot-alerts.yml');
export const DASHBOARD = join(DEPLOY, 'grafana', 'drbot-dashboard.json');

export const read = (path: string): string => readFileSync(path, 'utf8');
export const readYaml = (path: string): any => YAML.parse(read(path)); // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- Dockerfile ----------------------------------------------------------------------------

export function dockerfile(): Dockerfile {
  return DockerfileParser.parse(read(join(ROOT, 'Dockerfile')));
}

/** The instructions of each stage, in order (a stage starts at its FROM). */
export function stages(df: Dockerfile): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of df.getInstructions()) {
    if (i.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}

/** The JSON (exec form) array of CMD, ENTRYPOINT or the command of HEALTHCHECK CMD. */
export function execForm(i: Instruction): string[] {
  const text = (i.getArgumentsContent() ?? '').trim();
  const json = i.getKeyword() === 'HEALTHCHECK' ? text.slice(text.indexOf('CMD') + 3).trim() : text;
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error(`${i.getKeyword()} is not in exec form: ${text}`);
  return parsed.map(String);
}

/** `KEY=value` pairs of every ENV instruction of a stage. */
export function envOf(stage: Instruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of stage) {
    if (i.getKeyword() !== 'ENV') continue;
    for (const p of (i as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
      out[p.getName()] = p.getValue() ?? '';
    }
  }
  return out;
}

/** The entries of the repository copied into the image's default /config (ARG CONFIG_ENTRIES). */
export function configEntries(): string[] {
  const arg = dockerfile().getARGs().map((a) => a.getProperty()).find((p) => p?.getName() === 'CONFIG_ENTRIES');
  if (!arg?.getValue()) throw new Error('the Dockerfile has no ARG CONFIG_ENTRIES="…"');
  return arg.getValue()!.split(/\s+/).filter(Boolean);
}

/** Every file of the repository's default config folder, as paths relative to the root. */
export function configFiles(): string[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    const abs = join(ROOT, rel);
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs)) walk(join(rel, name));
    else files.push(relative(ROOT, abs).split(sep).join('/'));
  };
  for (const entry of configEntries()) {
    try {
      statSync(join(ROOT, entry));
    } catch {
      continue; // optional entries (drills/) may not exist yet
    }
    walk(entry);
  }
  return files.sort();
}

// ---- Environment files -----------------------------------------------------------------------

/** Variables an env file sets (`KEY=value` lines), and those it shows commented out (`# KEY=`). */
export function envFile(path: string): { set: Record<string, string>; commented: string[] } {
  const set: Record<string, string> = {};
  const commented: string[] = [];
  for (const line of read(path).split('\n')) {
    const m = line.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (m) set[m[1]] = m[2];
    const c = line.match(/^#\s*([A-Z][A-Z0-9_]*)=\s*$/);
    if (c) commented.push(c[1]);
  }
  return { set, commented };
}

// ---- Kubernetes ------------------------------------------------------------------------------

export interface Manifest {
  file: string;
  doc: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Every Kubernetes object in deploy/kubernetes/*.yaml (kustomization.yaml excluded). */
export function k8sManifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort()) {
    for (const d of YAML.parseAllDocuments(read(join(K8S, file)))) {
      if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      const doc = d.toJS();
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

/** The schema model (kubernetes-models) of each kind drbot's manifests and chart use, by `apiVersion kind`. */
export const K8S_MODELS: Record<string, { new (data: any): { validate(): void } }> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 Secret': Secret,
  'v1 ConfigMap': ConfigMap,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1 Ingress': Ingress,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1 PrometheusRule': PrometheusRule,
};

export function k8sObject(kind: string, file?: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const m = k8sManifests().find((x) => x.doc.kind === kind && (!file || x.file === file));
  if (!m) throw new Error(`no ${kind} in deploy/kubernetes`);
  return m.doc;
}

/** The ConfigMap key of a config file: `templates/email/x.hbs` → `templates__email__x.hbs`. */
export const configMapKey = (path: string): string => path.split('/').join('__');

// ---- Prometheus / Grafana --------------------------------------------------------------------

/** The syntax errors lezer-promql (the grammar of Prometheus' own UI) finds in a query. */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  promql.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`at ${n.from}: …${expr.slice(Math.max(0, n.from - 20), n.from + 20)}…`);
    },
  });
  return errors;
}

/** Grafana's variables replaced by values Prometheus accepts. */
export const withoutGrafanaVariables = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h').replace(/\$\{?\w+\}?/g, '.*');

export interface Query {
  where: string;
  expr: string;
}

export function alertQueries(): Query[] {
  const doc = readYaml(ALERTS);
  return doc.groups.flatMap((g: any) => g.rules.map((r: any) => ({ where: `alert ${r.alert ?? r.record}`, expr: String(r.expr) }))); // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function dashboardQueries(): Query[] {
  const dash = JSON.parse(read(DASHBOARD));
  return dash.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ where: `panel "${p.title}" ${t.refId}`, expr: withoutGrafanaVariables(t.expr) }))); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Metric names a query reads (drbot's own, plus Prometheus' `up`). */
export function metricNames(expr: string): string[] {
  const names = new Set(expr.match(/\bdrbot_[a-z0-9_]+\b/g) ?? []);
  if (/\bup\s*\{/.test(expr)) names.add('up');
  return [...names];
}

/**
 * The series names a Prometheus text exposition offers, from its `# TYPE` lines (a histogram
 * offers name_bucket, name_sum and name_count).
 *
 * Node's default metrics are named as they will be once prom-client's prefix is set to
 * `drbot_` (the Prometheus adapter being written beside this): `drbot_process_process_*` and
 * `drbot_process_nodejs_*` today read `drbot_process_*` and `drbot_nodejs_*`.
 */
export function exposedSeries(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const name = m[1].replace(/^drbot_process_(?=process_|nodejs_)/, 'drbot_');
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    else if (m[2] === 'summary') for (const s of ['', '_sum', '_count']) out.add(name + s);
    else out.add(name);
  }
  return out;
}
