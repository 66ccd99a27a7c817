import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A temp folder the `postgres` user owns (its uid and gid looked up, never assumed). */
function postgresDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, id('-u'), id('-g'));
  chmodSync(dir, 0o700);
  return dir;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A PostgreSQL server of the test's own (initdb in a temp dir, its own port, run as the
 * `postgres` user): tests that stop, kill or promote a database never touch the machine's shared one.
 */
export class OwnPostgres {
  private constructor(readonly dir: string, readonly port: number) {}

  static async create(): Promise<OwnPostgres> {
    const dir = postgresDir('drbot-pg-');
    const pg = new OwnPostgres(dir, await freePort());
    await pg.as([`${BIN}/initdb`, '-D', pg.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await pg.start();
    await pg.as([`${BIN}/createdb`, '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'drbot']);
    return pg;
  }

  /** A streaming replica of `primary` (pg_basebackup -R), started on its own port: a hot standby. */
  static async replicaOf(primary: OwnPostgres): Promise<OwnPostgres> {
    const dir = postgresDir('drbot-pg-standby-');
    const pg = new OwnPostgres(dir, await freePort());
    await pg.as([`${BIN}/pg_basebackup`, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', pg.data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await pg.start();
    return pg;
  }

  /** Ends recovery: the standby accepts writes (pg_ctl promote, waiting for it). */
  async promote(): Promise<void> {
    await this.as([`${BIN}/pg_ctl`, '-D', this.data, '-w', 'promote']);
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/drbot`;
  }

  private async as(cmd: string[]): Promise<string> {
    const { stdout } = await run('runuser', ['-u', 'postgres', '--', ...cmd], { cwd: this.dir });
    return stdout;
  }

  async start(): Promise<void> {
    await this.as([`${BIN}/pg_ctl`, '-D', this.data, '-w', '-l', join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  /** `immediate`: like a crash (no checkpoint); `fast`: disconnects clients and shuts down cleanly. */
  async stop(mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
    await this.as([`${BIN}/pg_ctl`, '-D', this.data, '-w', '-m', mode, 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
