import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ConnectionInput } from '../../shared/models/environment';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { CallContext } from '../../electron/main/router/router';
import { waitFor } from '../support/ports';

const ctx: CallContext = {
  shell: 'server',
  actor: { type: 'user', name: 'test' },
  signal: new AbortController().signal,
};
const STORED = 'Stored-Pw-4711';

/** A plain TCP listener on loopback that records every byte it is sent and never answers. */
interface Listener {
  port: number;
  connections: number;
  received: () => string;
  close: () => Promise<void>;
}
async function listen(): Promise<Listener> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('a stored secret goes only to the endpoint it was saved for', () => {
  let dir: string;
  let core: Core;
  let saved: Listener;
  let other: Listener;
  let base: ConnectionInput;

  const call = async (method: string, input: unknown) => {
    const r = await core.router.dispatch(method, input, ctx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-endpoint-'));
    [saved, other] = await Promise.all([listen(), listen()]);
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 4)),
      logger: silentLogger(),
    });
    base = {
      id: 'cache',
      name: 'Cache',
      kind: 'redis',
      role: 'cache',
      host: '127.0.0.1',
      port: saved.port,
      timeouts: { connectMs: 300, operationMs: 300 },
    };
    await call('environments.save', { id: 'staging', name: 'Staging' });
    await call('environments.saveConnection', {
      envId: 'staging',
      connection: base,
      secret: { password: STORED },
    });
  });

  afterAll(async () => {
    await core.dispose();
    await Promise.all([saved.close(), other.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('testConnection with the saved id but another port is refused before connecting', async () => {
    await expect(
      call('environments.testConnection', {
        envId: 'staging',
        connection: { ...base, port: other.port },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/port.*password again/),
      details: { issues: [{ path: ['secret', 'password'] }] },
    });
    expect(other.connections).toBe(0);
    expect(other.received()).not.toContain(STORED);
  });

  it.each([
    ['host', { host: 'localhost' }],
    ['user', { user: 'someone' }],
    ['TLS', { tls: { enabled: true, verify: false } }],
    [
      'sentinels',
      { redis: { mode: 'sentinel', masterName: 'm', sentinels: [{ host: '127.0.0.1', port: 1 }] } },
    ],
  ])('testConnection with another %s is refused too', async (_what, change) => {
    await expect(
      call('environments.testConnection', { envId: 'staging', connection: { ...base, ...change } }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(saved.received()).not.toContain(STORED);
  });

  it('a secret typed again is sent to the new endpoint, and only it', async () => {
    await call('environments.testConnection', {
      envId: 'staging',
      connection: { ...base, port: other.port },
      secret: { password: 'Typed-Again-1' },
    });
    await waitFor(() => other.received().includes('Typed-Again-1'), { what: 'typed password' });
    expect(other.received()).not.toContain(STORED);
  });

  it('the same endpoint with another pool size still uses the stored secret', async () => {
    await call('environments.testConnection', {
      envId: 'staging',
      connection: { ...base, pool: { max: 3, min: 0, idleTimeoutMs: 60_000 } },
    });
    await waitFor(() => saved.received().includes(STORED), { what: 'stored password' });
  });

  it('saveConnection to another port without the secret is refused and changes nothing', async () => {
    await expect(
      call('environments.saveConnection', {
        envId: 'staging',
        connection: { ...base, port: other.port },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/again/) });
    const { connection, secret } = await core.services.environments.resolve('staging', 'cache');
    expect(connection.port).toBe(saved.port);
    expect(secret).toEqual({ password: STORED });
  });

  it('saveConnection changing only the pool keeps the secret', async () => {
    const view = (await call('environments.saveConnection', {
      envId: 'staging',
      connection: { ...base, pool: { max: 4, min: 0, idleTimeoutMs: 60_000 } },
    })) as { hasSecret: boolean };
    expect(view.hasSecret).toBe(true);
    expect((await core.services.environments.resolve('staging', 'cache')).secret).toEqual({
      password: STORED,
    });
  });

  it('importYaml moving a connection elsewhere drops its stored secret; unchanged keeps it', async () => {
    const envs = core.services.environments;
    await envs.saveConnection(
      'staging',
      { ...(await envs.get('staging')).connections[0]!, id: 'moved' },
      {
        password: 'Moved-Pw-3',
      },
    );
    const { yaml } = (await call('environments.exportYaml', { envId: 'staging' })) as {
      yaml: string;
    };
    const before = (await envs.resolve('staging', 'cache')).secret;
    // The same file back: every endpoint unchanged, every secret kept.
    await call('environments.importYaml', { yaml, replace: true });
    expect((await envs.resolve('staging', 'cache')).secret).toEqual(before);
    expect((await envs.resolve('staging', 'moved')).secret).toEqual({ password: 'Moved-Pw-3' });
    // One connection pointed at another port: its secret does not follow it there.
    const doc = parse(yaml) as { connections: Array<{ id: string; port: number }> };
    doc.connections.find((c) => c.id === 'moved')!.port = other.port;
    await call('environments.importYaml', { yaml: stringify(doc), replace: true });
    expect((await envs.resolve('staging', 'moved')).secret).toBeUndefined();
    expect((await envs.resolve('staging', 'cache')).secret).toEqual(before);
    await envs.removeConnection('staging', 'moved');
  });

  it('saveConnection to a new port with a new password stores only the new one', async () => {
    await call('environments.saveConnection', {
      envId: 'staging',
      connection: { ...base, port: other.port },
      secret: { password: 'New-Pw-2' },
    });
    expect((await core.services.environments.resolve('staging', 'cache')).secret).toEqual({
      password: 'New-Pw-2',
    });
  });
});
