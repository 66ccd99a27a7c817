import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { listen } from '../../src/http/server.ts';

describe('listen', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
  });
  const server = () => {
    const s = createServer();
    servers.push(s);
    return s;
  };

  it('resolves with the port it got', async () => {
    expect(await listen(server(), 0, '127.0.0.1')).toBeGreaterThan(0);
  });

  it('a port in use is a ConfigError in one line that says what to do, not an EADDRINUSE stack', async () => {
    const port = await listen(server(), 0, '127.0.0.1');
    const second = server();
    const err = await listen(second, port, '127.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('PORT_IN_USE');
    expect((err as ConfigError).message).toBe(`drbot cannot start: PORT ${port} is already in use: stop the other process or set PORT to a free port`);
    // The server can still be used once the port is free.
    expect(second.listening).toBe(false);
  });
});
