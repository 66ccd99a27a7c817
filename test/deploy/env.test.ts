import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, secretEnvNames } from '../../src/config/env.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import { ROOT } from '../helpers/paths.ts';
import { dockerfile, ENV_EXAMPLE, envFile, envOf, k8sObject, read, readYaml, stages } from './deployFiles.ts';

/**
 * Every variable the packaging sets must be one drbot reads (a typo such as DRBOT_CONFIG_PATH
 * would be silently ignored), or one read by the AWS SDK or Node itself.
 */
const schemaNames = Object.keys(envSchema.shape);
const readByOthers = (name: string) => name === 'NODE_ENV' || /^AWS_[A-Z0-9_]+$/.test(name);
/** Read by docker compose to build DATABASE_URL and set up its PostgreSQL; drbot ignores it. */
const COMPOSE_ONLY = ['POSTGRES_PASSWORD'];

function expectKnown(names: string[], where: string, extra: string[] = []): void {
  const unknown = names.filter((n) => !schemaNames.includes(n) && !readByOthers(n) && !extra.includes(n));
  expect(unknown, `${where} sets variables drbot does not read`).toEqual([]);
}

const finalStageEnv = envOf(stages(dockerfile()).at(-1)!);
const composeEnv: Record<string, string> = readYaml(join(ROOT, 'docker-compose.yml')).services.drbot.environment;
const example = envFile(ENV_EXAMPLE);
const deployment = k8sObject('Deployment');
const container = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'drbot');
const k8sEnv: { name: string; value?: string }[] = container.env;
const secret = k8sObject('Secret', 'secret.example.yaml');

describe('environment variables in the packaging', () => {
  it('the Dockerfile sets only variables drbot (or Node) reads, with values drbot accepts', () => {
    for (const stage of stages(dockerfile())) expectKnown(Object.keys(envOf(stage)), 'Dockerfile');
    expect(() => readEnv(finalStageEnv)).not.toThrow();
  });

  it('docker-compose.yml sets only variables drbot reads, everything the replicas need, with values drbot accepts', () => {
    expectKnown(Object.keys(composeEnv), 'docker-compose.yml (drbot)');
    for (const need of ['DATABASE_URL', 'REDIS_URL', 'DRBOT_CONFIG_DIR', 'DRBOT_CONSOLE']) expect(composeEnv, need).toHaveProperty(need);
    // What a replica sees: the image's ENV, then .env (from the example), then `environment:`.
    const interpolated = Object.fromEntries(Object.entries(composeEnv).map(([k, v]) => [k, String(v).replace(/\$\{(\w+)[^}]*\}/g, 'secret')]));
    const env = readEnv({ ...finalStageEnv, ...example.set, ...interpolated });
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.DRBOT_CONSOLE).toBe('off');
  });

  it('deploy/drbot.env.example lists every secret drbot reads, empty, each with a comment', () => {
    expectKnown(Object.keys(example.set), 'deploy/drbot.env.example', COMPOSE_ONLY);
    expectKnown(example.commented, 'deploy/drbot.env.example (commented out)');
    for (const name of secretEnvNames()) expect(Object.keys(example.set), `${name} in the example`).toContain(name);
    for (const [name, value] of Object.entries(example.set)) expect(value, `${name} must be empty in the example`).toBe('');
    const lines = read(ENV_EXAMPLE).split('\n');
    lines.forEach((line: string, i: number) => {
      if (/^[A-Z][A-Z0-9_]*=/.test(line)) expect(lines[i - 1], `comment above ${line}`).toMatch(/^#/);
    });
    // Empty values count as unset: an example copied as it is gives a drbot that starts.
    expect(() => readEnv(example.set)).not.toThrow();
  });

  it('the Kubernetes Deployment and Secret template set only variables drbot reads', () => {
    expectKnown(k8sEnv.map((e) => e.name), 'deployment.yaml');
    expectKnown(Object.keys(secret.stringData ?? {}), 'secret.example.yaml');
    expect(() => readEnv(Object.fromEntries(k8sEnv.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])))).not.toThrow();
  });

  it('secret.example.yaml has every secret key, empty, and the Deployment reads that Secret', () => {
    const keys = Object.keys(secret.stringData ?? {});
    for (const name of secretEnvNames()) expect(keys, `${name} in secret.example.yaml`).toContain(name);
    for (const [k, v] of Object.entries(secret.stringData)) expect(v, `${k} must be empty in the template`).toBe('');
    expect(container.envFrom.map((e: { secretRef?: { name: string } }) => e.secretRef?.name)).toContain(secret.metadata.name);
  });

  it('Kubernetes sets the config folder, the data folder and turns the console off', () => {
    const byName = Object.fromEntries(k8sEnv.map((e) => [e.name, e.value]));
    expect(byName.DRBOT_CONFIG_DIR).toBe('/config');
    expect(byName.DRBOT_DATA_DIR).toBeDefined();
    expect(byName.DRBOT_CONSOLE).toBe('off');
    expect(k8sEnv.find((e) => e.name === 'DRBOT_INSTANCE_ID')).toBeDefined();
  });
});
