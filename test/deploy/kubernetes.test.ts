import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ROOT } from '../helpers/paths.ts';
import { configFiles, configMapKey, K8S, K8S_MODELS, k8sManifests, k8sObject, readYaml } from './deployFiles.ts';

const kustomization = readYaml(join(K8S, 'kustomization.yaml'));
const deployment = k8sObject('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers.find((c: { name: string }) => c.name === 'drbot');
const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
const mountAt = (path: string) => container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === path);
const volume = (name: string) => pod.volumes.find((v: { name: string }) => v.name === name);
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What kustomize's configMapGenerator makes of `files:` (`key=path` or `path`). */
function generatedConfigMap(): { name: string; files: { key: string; path: string }[] } {
  const gen = kustomization.configMapGenerator.find((g: { name: string }) => g.name === 'drbot-config');
  const files = gen.files.map((f: string) => {
    const [key, path] = f.includes('=') ? f.split('=') : [f.split('/').at(-1)!, f];
    return { key, path: resolve(K8S, path) };
  });
  return { name: gen.name, files };
}

describe('Kubernetes manifests', () => {
  it('every manifest validates against the Kubernetes schemas (kubernetes-models)', () => {
    const manifests = k8sManifests();
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceMonitor']);
    for (const { file, doc } of manifests) {
      const Model = K8S_MODELS[`${doc.apiVersion} ${doc.kind}`];
      expect(Model, `${file}: no schema model for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model(doc).validate(), file).not.toThrow();
    }
  });

  it('the kustomization lists files that exist, and leaves out the templates and the optional CRD', () => {
    expect(kustomization.kind).toBe('Kustomization');
    for (const r of kustomization.resources) expect(existsSync(join(K8S, r)), r).toBe(true);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(kustomization.resources).not.toContain('servicemonitor.yaml');
    expect(kustomization.images.map((i: { name: string }) => i.name)).toContain(container.image);
  });

  it('the generated ConfigMap holds every file of the config folder, and validates', () => {
    const { name, files } = generatedConfigMap();
    const want = configFiles();
    const missing = want.filter((f) => !files.some((x) => x.path === join(ROOT, f)));
    expect(missing, `add to deploy/kubernetes/kustomization.yaml: ${missing.map((f) => `- ${configMapKey(f)}=../../${f}`).join('  ')}`).toEqual([]);
    for (const f of files) {
      expect(existsSync(f.path), f.path).toBe(true);
      const rel = f.path.slice(ROOT.length);
      expect(f.key, rel).toBe(configMapKey(rel));
      expect(f.key).toMatch(/^[-._a-zA-Z0-9]+$/); // ConfigMap key rule
    }
    const data = Object.fromEntries(files.map((f) => [f.key, readFileSync(f.path, 'utf8')]));
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(1024 * 1024); // a ConfigMap holds at most 1 MiB
    expect(() => new ConfigMap({ metadata: { name }, data }).validate()).not.toThrow();
    expect(volume('config-files').configMap.name).toBe(name);
  });

  it("the init container lays the ConfigMap's keys out as the config folder drbot loads", () => {
    const init = pod.initContainers.find((c: { name: string }) => c.name === 'config-layout');
    const [from, to] = init.args.slice(-2);
    expect(init.volumeMounts.find((m: { mountPath: string }) => m.mountPath === from).name).toBe('config-files');
    expect(init.volumeMounts.find((m: { mountPath: string }) => m.mountPath === to).name).toBe(mountAt('/config').name);
    expect(volume(mountAt('/config').name).emptyDir).toBeDefined();
    // A ConfigMap volume as the kubelet writes it: keys are symlinks into a ..data folder.
    const cm = mkdtempSync(join(tmpdir(), 'drbot-configmap-'));
    const out = mkdtempSync(join(tmpdir(), 'drbot-config-layout-'));
    tmp.push(cm, out);
    mkdirSync(join(cm, '..2026_01_01_00_00_00.000000001'));
    symlinkSync('..2026_01_01_00_00_00.000000001', join(cm, '..data'));
    for (const f of generatedConfigMap().files) {
      copyFileSync(f.path, join(cm, '..data', f.key));
      symlinkSync(join('..data', f.key), join(cm, f.key));
    }
    const r = spawnSync(process.execPath, [...init.command.slice(1), ...init.args.slice(0, -2), cm, out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(join(out, 'templates', 'email')).isDirectory()).toBe(true);
    expect(() => loadConfig(out)).not.toThrow();
  });

  it('the Deployment: two replicas, probes on /readyz and /healthz, memory sized for drbot', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const port = container.ports.find((p: { containerPort: number }) => p.containerPort === Number(env.PORT));
    expect(port, 'container port = PORT').toBeDefined();
    for (const [probe, path] of [['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const) {
      expect(container[probe].httpGet.path).toBe(path);
      expect([port.name, port.containerPort]).toContain(container[probe].httpGet.port);
    }
    expect(container.resources.requests.memory).toBe('256Mi');
    expect(container.resources.limits.memory).toBe('512Mi');
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.image).toBe(pod.initContainers[0].image);
  });

  it('the Deployment: non-root, read-only root file system, writable /tmp and data folder on emptyDirs', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation, c.name).toBe(false);
      expect(c.securityContext.capabilities.drop, c.name).toEqual(['ALL']);
    }
    for (const path of ['/tmp', env.DRBOT_DATA_DIR]) {
      const m = mountAt(path);
      expect(m, `a volume at ${path}`).toBeDefined();
      expect(volume(m.name).emptyDir, `${path} is an emptyDir`).toBeDefined();
      expect(m.readOnly).toBeFalsy();
    }
    expect(mountAt('/config').readOnly).toBe(true);
  });

  it('the Service, the PodDisruptionBudget and the ServiceMonitor select the Deployment\'s pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    const service = k8sObject('Service');
    expect(selects(service.spec.selector)).toBe(true);
    const httpPort = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(service.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toContain(httpPort.name);
    const pdb = k8sObject('PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    const monitor = k8sObject('ServiceMonitor');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v)).toBe(true);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(monitor.spec.endpoints[0].path).toBe('/metrics');
  });
});
