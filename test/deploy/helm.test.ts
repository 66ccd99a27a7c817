import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema, secretEnvNames } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import { k8sTool, k8sToolsUnavailable } from '../helpers/k8sTools.ts';
import { ROOT } from '../helpers/paths.ts';
import { ALERTS, configEntries, DEPLOY, K8S, K8S_MODELS, readYaml } from './deployFiles.ts';

/**
 * deploy/helm/drbot, rendered by the real helm (4.1.4) and checked like deploy/kubernetes: every
 * object against the Kubernetes schemas, and a default render against what kustomize (kubectl
 * 1.35's) renders of deploy/kubernetes, so the two ways of deploying cannot drift apart.
 */
const CHART = join(DEPLOY, 'helm', 'drbot');
/** The variables the chart sets itself; `env` and `secret.values` take the others. */
const CHART_OWNED = ['DRBOT_CONFIG_DIR', 'DRBOT_DATA_DIR', 'DRBOT_CONSOLE', 'PORT', 'LOG_LEVEL', 'DRBOT_INSTANCE_ID'];
const INGRESS = ['--set', 'ingress.enabled=true', '--set', 'ingress.host=drbot.example.com', '--set', 'ingress.tlsSecretName=drbot-tls', '--set', 'ingress.className=nginx'];
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmpDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
};

interface Run {
  status: number | null;
  stdout: string;
  /** stderr without helm's notes on the chart's symbolic links (config/ links to the config folder). */
  stderr: string;
}

/** helm's own folders, kept out of the user's home for the whole file. */
let helmHome: Record<string, string> | undefined;

function run(tool: 'helm' | 'kubectl', args: string[]): Run {
  helmHome ??= { HELM_CACHE_HOME: tmpDir('helm-cache-'), HELM_CONFIG_HOME: tmpDir('helm-config-'), HELM_DATA_HOME: tmpDir('helm-data-') };
  const r = spawnSync(k8sTool(tool), args, { encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...helmHome } });
  const stderr = r.stderr.split('\n').filter((l) => l && !l.includes('found symbolic link in path')).join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

function objects(yaml: string): Obj[] {
  return YAML.parseAllDocuments(yaml).map((d) => {
    if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJS();
  }).filter(Boolean);
}

/** `helm template <release> deploy/helm/drbot <args>`: its objects, or the error helm printed. */
function render(args: string[] = [], release = 'drbot', chart = CHART): Obj[] {
  const r = run('helm', ['template', release, chart, ...args]);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return objects(r.stdout);
}

function refused(args: string[]): string {
  const r = run('helm', ['template', 'drbot', CHART, ...args]);
  expect(r.status, `helm template ${args.join(' ')} should be refused`).not.toBe(0);
  return r.stderr;
}

const byKind = (objs: Obj[], kind: string): Obj => {
  const o = objs.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} rendered`);
  return o;
};
const drbotContainer = (d: Obj) => d.spec.template.spec.containers.find((c: { name: string }) => c.name === 'drbot');

/** Helm's release labels, the config checksum, and kustomize's hash suffix taken out. */
function comparable(o: Obj): Obj {
  return JSON.parse(JSON.stringify(o), (key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const k of ['app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by', 'helm.sh/chart', 'checksum/config']) delete value[k];
    }
    return key === 'name' && typeof value === 'string' ? value.replace(/^drbot-config-[a-z0-9]{10}$/, 'drbot-config') : value;
  });
}

describe.skipIf(k8sToolsUnavailable)('Helm chart (deploy/helm/drbot)', () => {
  let defaults: Obj[];
  beforeAll(() => {
    defaults = render();
  }, 300_000);

  it('passes helm lint --strict', () => {
    const r = run('helm', ['lint', '--strict', CHART]);
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders objects that validate against the Kubernetes schemas', () => {
    expect(defaults.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service']);
    const all = render(['--set', 'secret.create=true', '--set', 'secret.values.DATABASE_URL=postgres://drbot:pw@postgres:5432/drbot', '--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true', ...INGRESS]);
    expect(all.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Ingress', 'PodDisruptionBudget', 'PrometheusRule', 'Secret', 'Service', 'ServiceMonitor']);
    for (const o of all) {
      const Model = K8S_MODELS[`${o.apiVersion} ${o.kind}`];
      expect(Model, `no schema model for ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model(o).validate(), o.kind).not.toThrow();
    }
  });

  it('renders by default what kustomize renders of deploy/kubernetes (kubectl kustomize)', () => {
    const k = run('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', K8S]);
    expect(k.stderr).toBe('');
    expect(k.status).toBe(0);
    const kustomized = objects(k.stdout);
    expect(kustomized.map((o) => o.kind).sort()).toEqual(defaults.map((o) => o.kind).sort());
    for (const o of kustomized) expect(() => new K8S_MODELS[`${o.apiVersion} ${o.kind}`](o).validate(), `kustomized ${o.kind}`).not.toThrow();
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'ConfigMap']) {
      const [h, ks] = [comparable(byKind(defaults, kind)), comparable(byKind(kustomized, kind))];
      expect(h.metadata.name, kind).toBe(ks.metadata.name);
      if (kind === 'ConfigMap') expect(h.data).toEqual(ks.data);
      else expect(h.spec, kind).toEqual(ks.spec);
    }
    // Both roll the pods when a config file changes: kustomize by renaming the ConfigMap, helm
    // by a checksum of it on the pod template.
    expect(byKind(defaults, 'Deployment').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ships the repository's config folder: the chart's config/ links are the image's config entries", () => {
    const links = readdirSync(join(CHART, 'config')).sort();
    expect(links).toEqual([...configEntries()].sort());
    for (const l of links) expect(realpathSync(join(CHART, 'config', l))).toBe(realpathSync(join(ROOT, l)));
    const chart = readYaml(join(CHART, 'Chart.yaml'));
    expect(chart.appVersion).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('helm package carries the config folder (links resolved), and the packaged chart renders the same', () => {
    const out = tmpDir('drbot-chart-');
    const r = run('helm', ['package', CHART, '--destination', out]);
    expect(r.status, r.stderr).toBe(0);
    const [tgz] = readdirSync(out);
    expect(tgz).toBe('drbot-0.1.0.tgz');
    expect(render([], 'drbot', join(out, tgz))).toEqual(defaults);
  });

  it('config.files replaces and adds files; the init container lays them out as a folder drbot loads', () => {
    const dir = tmpDir('drbot-helm-files-');
    const contacts = readFileSync(join(ROOT, 'contacts.yml'), 'utf8').replace('name: Ada Okafor', 'name: Ada Okafor-Bello');
    writeFileSync(join(dir, 'contacts.yml'), contacts);
    const extra = readFileSync(join(ROOT, 'commands', 'scale-up.yml'), 'utf8').replace('name: scale-up', 'name: scale-up-abuja');
    writeFileSync(join(dir, 'scale-up-abuja.yml'), extra);
    const objs = render(['--set-file', `config.files.contacts\\.yml=${join(dir, 'contacts.yml')}`, '--set-file', `config.files.commands/scale-up-abuja\\.yml=${join(dir, 'scale-up-abuja.yml')}`]);
    const data: Record<string, string> = byKind(objs, 'ConfigMap').data;
    expect(data['contacts.yml']).toBe(contacts);
    expect(data['commands__scale-up-abuja.yml']).toBe(extra);
    expect(data['commands__scale-up.yml']).toBe(readFileSync(join(ROOT, 'commands', 'scale-up.yml'), 'utf8'));
    expect(byKind(objs, 'Deployment').spec.template.metadata.annotations['checksum/config']).not.toBe(byKind(defaults, 'Deployment').spec.template.metadata.annotations['checksum/config']);

    // The ConfigMap volume as the kubelet writes it (keys are links into ..data), then the
    // rendered init container's own script.
    const cm = tmpDir('drbot-helm-cm-');
    const out = tmpDir('drbot-helm-config-');
    mkdirSync(join(cm, '..2026_01_01_00_00_00.000000001'));
    symlinkSync('..2026_01_01_00_00_00.000000001', join(cm, '..data'));
    for (const [key, content] of Object.entries(data)) {
      writeFileSync(join(cm, '..data', key), content);
      symlinkSync(join('..data', key), join(cm, key));
    }
    const init = byKind(objs, 'Deployment').spec.template.spec.initContainers[0];
    const r = spawnSync(process.execPath, [...init.command.slice(1), ...init.args.slice(0, -2), cm, out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(join(out, 'templates', 'email')).isDirectory()).toBe(true);
    const config = loadConfig(out);
    expect(config.runbooks.map((c) => c.name)).toContain('scale-up-abuja');
    expect(JSON.stringify(config.contacts)).toContain('Ada Okafor-Bello');
  });

  it('a ConfigMap of your own: the chart makes none and mounts yours', () => {
    const objs = render(['--set', 'config.existingConfigMap=my-drbot-config', '--set', 'config.defaults=false']);
    expect(objs.map((o) => o.kind)).not.toContain('ConfigMap');
    const d = byKind(objs, 'Deployment');
    expect(d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config-files').configMap.name).toBe('my-drbot-config');
    expect(d.spec.template.metadata.annotations['checksum/config']).toBeUndefined();
  });

  it('sets only variables drbot reads, with values drbot accepts; env adds the non-secret ones', () => {
    const objs = render(['--set', 'env.EMAIL_FROM=drbot@acme.example', '--set', 'env.DRBOT_REGION=lagos', '--set', 'env.AWS_REGION=eu-west-1', '--set', 'logLevel=debug']);
    const env: { name: string; value?: string }[] = drbotContainer(byKind(objs, 'Deployment')).env;
    const names = env.map((e) => e.name);
    for (const n of names) expect(n in envSchema.shape || /^AWS_/.test(n), `${n} is not a variable drbot reads`).toBe(true);
    const values = readEnv(Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])));
    expect(values).toMatchObject({ DRBOT_CONFIG_DIR: '/config', DRBOT_CONSOLE: 'off', LOG_LEVEL: 'debug', EMAIL_FROM: 'drbot@acme.example', DRBOT_REGION: 'lagos', PORT: 3000 });
    expect(env.find((e) => e.name === 'DRBOT_INSTANCE_ID')?.value).toBeUndefined(); // from the pod's name
  });

  it("values.schema.json names exactly the variables of drbot's config schema (secrets only in the Secret)", () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
    const enumOf = (p: Obj) => p.propertyNames.anyOf.find((a: Obj) => a.enum).enum.slice().sort();
    const names = Object.keys(envSchema.shape).filter((n) => !CHART_OWNED.includes(n));
    const plain = names.filter((n) => !secretEnvNames().includes(n));
    expect(enumOf(schema.properties.env), `values.schema.json env names: ${JSON.stringify(plain)}`).toEqual([...plain].sort());
    expect(enumOf(schema.properties.secret.properties.values), `values.schema.json secret.values names: ${JSON.stringify(names)}`).toEqual([...names].sort());
  });

  it('refuses bad values with what was wrong: a secret in env, an unknown variable, a misspelt key, a wrong type', () => {
    expect(refused(['--set', 'env.SLACK_BOT_TOKEN=xoxb-1'])).toMatch(/invalid propertyName 'SLACK_BOT_TOKEN'/);
    expect(refused(['--set', 'env.DRBOT_CONFIG_PATH=/x'])).toMatch(/invalid propertyName 'DRBOT_CONFIG_PATH'/);
    expect(refused(['--set', 'imagee.tag=1'])).toMatch(/additional properties 'imagee' not allowed/);
    expect(refused(['--set', 'replicaCount=two'])).toMatch(/replicaCount.*want integer/);
    expect(refused(['--set', 'logLevel=verbose'])).toMatch(/logLevel/);
    expect(refused(['--set', 'config.defaults=false'])).toMatch(/no drbot\.yml/);
  });

  it('secret.create: a Secret of known keys that the pods read; DATABASE_URL required with more than one replica', () => {
    expect(refused(['--set', 'secret.create=true', '--set', 'secret.values.SLACK_BOT_TOKEN=xoxb-1'])).toMatch(/DATABASE_URL is required with more than one replica/);
    const one = render(['--set', 'secret.create=true', '--set', 'replicaCount=1', '--set', 'secret.values.SLACK_BOT_TOKEN=xoxb-1']);
    expect(byKind(one, 'Deployment').spec.replicas).toBe(1);
    const objs = render(['--set', 'secret.create=true', '--set', 'secret.values.DATABASE_URL=postgres://drbot:pw@postgres:5432/drbot', '--set', 'secret.values.SLACK_SIGNING_SECRET=0123456789abcdef', '--set', 'secret.values.SLACK_BOT_TOKEN=xoxb-1-bench']);
    const secret = byKind(objs, 'Secret');
    expect(secret.stringData).toEqual({ DATABASE_URL: 'postgres://drbot:pw@postgres:5432/drbot', SLACK_SIGNING_SECRET: '0123456789abcdef', SLACK_BOT_TOKEN: 'xoxb-1-bench' });
    expect(drbotContainer(byKind(objs, 'Deployment')).envFrom[0].secretRef.name).toBe(secret.metadata.name);
    expect(() => readEnv(secret.stringData)).not.toThrow();
    // Without `create`, the pods read the Secret named as in deploy/kubernetes.
    expect(drbotContainer(byKind(defaults, 'Deployment')).envFrom[0].secretRef.name).toBe(readYaml(join(K8S, 'secret.example.yaml')).metadata.name);
  });

  it('another release name: its own object names, and selectors that pick its pods only', () => {
    const objs = render(['--set', 'serviceMonitor.enabled=true'], 'payments');
    const d = byKind(objs, 'Deployment');
    expect(d.metadata.name).toBe('payments-drbot');
    const labels = d.spec.template.metadata.labels;
    const selects = (sel: Record<string, string>) => Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(d.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('payments');
    expect(selects(d.spec.selector.matchLabels)).toBe(true);
    expect(selects(byKind(objs, 'Service').spec.selector)).toBe(true);
    expect(selects(byKind(objs, 'PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    const service = byKind(objs, 'Service');
    const monitor = byKind(objs, 'ServiceMonitor');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v)).toBe(true);
    // The alert rules and dashboard select job="drbot": the job comes from this label, not the release.
    expect(service.metadata.labels[monitor.spec.jobLabel]).toBe('drbot');
    expect(drbotContainer(d).envFrom[0].secretRef.name).toBe('payments-drbot-secrets');
  });

  it("the Ingress routes Slack's and the status page's paths to the Service, and nothing else (no /metrics)", () => {
    const objs = render(INGRESS);
    const ingress = byKind(objs, 'Ingress');
    const service = byKind(objs, 'Service');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['drbot.example.com'], secretName: 'drbot-tls' }]);
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe('drbot.example.com');
    expect(rule.http.paths.map((p: Obj) => [p.path, p.pathType])).toEqual([['/slack/events', 'Exact'], ['/status', 'Exact'], ['/status.json', 'Exact']]);
    // Each is a route drbot serves (its route tables: `'GET /status': …`).
    const routeTables = ['app.ts', ...readdirSync(join(ROOT, 'src', 'http')).map((f) => join('http', f))].map((f) => readFileSync(join(ROOT, 'src', f), 'utf8')).join('\n');
    for (const p of rule.http.paths) {
      expect(routeTables, `a route for ${p.path}`).toMatch(new RegExp(`'(GET|POST) ${p.path.replaceAll('.', '\\.')}'`));
      expect(p.backend.service.name).toBe(service.metadata.name);
      expect(service.spec.ports.map((sp: Obj) => sp.name)).toContain(p.backend.service.port.name);
    }
    expect(refused(['--set', 'ingress.enabled=true'])).toMatch(/ingress\.host is required/);
    expect(refused(['--set', 'ingress.enabled=true', '--set', 'ingress.host=drbot.example.com', '--set', 'ingress.paths={/slack/events,/metrics}'])).toMatch(/ingress\/paths\/1/);
  });

  it("the PrometheusRule holds deploy/prometheus/drbot-alerts.yml's groups", () => {
    const rule = byKind(render(['--set', 'prometheusRule.enabled=true', '--set', 'prometheusRule.labels.release=kube-prometheus-stack']), 'PrometheusRule');
    expect(rule.spec.groups).toEqual(readYaml(ALERTS).groups);
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });
});

