import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher, loadKeyCipher, type SecretCipher } from '../../electron/main/secrets/cipher';
import { SecretStore } from '../../electron/main/secrets/secret-store';
import { environmentFromVars } from '../../electron/main/services/environments/env-vars';
import { EnvironmentsService } from '../../electron/main/services/environments/environments.service';
import { ClientRegistry } from '../../electron/main/stores/registry';

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'keel-sec-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('key-file cipher', () => {
  it('creates a 256-bit key with mode 0600 and round-trips secrets', async () => {
    const c = await loadKeyCipher(join(dir, 'secret.key'), {});
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const sealed = await c.encrypt('p@ss');
    expect(sealed).not.toContain('p@ss');
    expect(await (await loadKeyCipher(join(dir, 'secret.key'), {})).decrypt(sealed)).toBe('p@ss');
  });

  it('refuses a key file other users can read', async () => {
    await loadKeyCipher(join(dir, 'secret.key'), {});
    await chmod(join(dir, 'secret.key'), 0o644);
    await expect(loadKeyCipher(join(dir, 'secret.key'), {})).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('takes the key from KEEL_SECRET_KEY and rejects a short one', async () => {
    const c = await loadKeyCipher(join(dir, 'none.key'), { KEEL_SECRET_KEY: 'ab'.repeat(32) });
    expect(c.backend).toBe('env-key');
    await expect(
      loadKeyCipher(join(dir, 'none.key'), { KEEL_SECRET_KEY: 'abc' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

describe('SecretStore', () => {
  const weak: SecretCipher = {
    backend: 'basic_text',
    safe: false,
    encrypt: async (s) => Buffer.from(s).toString('base64'),
    decrypt: async (s) => Buffer.from(s, 'base64').toString(),
  };

  it('refuses to store with an unsafe backend unless the user opted in, and then stores', async () => {
    let optIn = false;
    const store = new SecretStore(dir, weak, async () => optIn);
    await expect(store.set('e/c', { password: 'x' })).rejects.toMatchObject({
      code: 'SECRET_STORE_UNAVAILABLE',
    });
    expect(await store.has('e/c')).toBe(false);
    optIn = true;
    await store.set('e/c', { password: 'x' });
    expect(await store.get('e/c')).toEqual({ password: 'x' });
  });

  it('keeps secrets out of the file in clear text', async () => {
    const store = new SecretStore(
      dir,
      new KeyCipher('test', Buffer.alloc(32, 1)),
      async () => false,
    );
    await store.set('prod/core', { password: 'VerySecret123' });
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('VerySecret123');
  });
});

describe('environments', () => {
  const make = (vars?: NodeJS.ProcessEnv) => {
    const secrets = new SecretStore(
      dir,
      new KeyCipher('test', Buffer.alloc(32, 2)),
      async () => false,
    );
    const registry: ClientRegistry = new ClientRegistry(
      (e, c) => envs.resolve(e, c),
      silentLogger(),
    );
    const envs: EnvironmentsService = new EnvironmentsService(
      dir,
      secrets,
      registry,
      new EventBus(),
      silentLogger(),
      vars ? environmentFromVars(vars) : undefined,
    );
    return { envs, registry };
  };

  it('never returns a secret, only hasSecret', async () => {
    const { envs, registry } = make();
    await envs.save({ id: 'staging', name: 'Staging', production: false, blueprint: 'default' });
    await envs.saveConnection(
      'staging',
      {
        id: 'core',
        name: 'Core',
        kind: 'mysql',
        role: 'core',
        host: 'db',
        port: 3306,
        user: 'keel',
        tls: { enabled: false, verify: true },
        pool: { max: 5, min: 0, idleTimeoutMs: 60000 },
        timeouts: { connectMs: 1000, operationMs: 1000 },
      },
      { password: 'Hunter22' },
    );
    const list = await envs.list();
    expect(JSON.stringify(list)).not.toContain('Hunter22');
    expect(list[0]?.connections[0]?.hasSecret).toBe(true);
    expect(await readFile(join(dir, 'environments.json'), 'utf8')).not.toContain('Hunter22');
    await registry.dispose();
  });

  it('changes only the secret parts given: null deletes one, omitted ones stay', async () => {
    const { envs, registry } = make();
    await envs.save({ id: 'staging', name: 'Staging', production: false, blueprint: 'default' });
    const c = {
      id: 'ts',
      name: 'TS',
      kind: 'influxdb' as const,
      role: 'metrics',
      host: 'i',
      port: 8086,
      tls: { enabled: true, verify: true },
      pool: { max: 5, min: 0, idleTimeoutMs: 60000 },
      timeouts: { connectMs: 1000, operationMs: 1000 },
    };
    await envs.saveConnection('staging', c, { password: 'Pw-1', token: 'Tok-1' });
    await envs.saveConnection('staging', c, { tlsKey: 'KEY' });
    expect((await envs.resolve('staging', 'ts')).secret).toEqual({
      password: 'Pw-1',
      token: 'Tok-1',
      tlsKey: 'KEY',
    });
    const view = await envs.saveConnection('staging', c, { token: null });
    expect(view.secretFields).toEqual(['password', 'tlsKey']);
    await envs.saveConnection('staging', c, { password: null, tlsKey: null });
    expect((await envs.resolve('staging', 'ts')).secret).toBeUndefined();
    await registry.dispose();
  });

  it('exports YAML without secrets, or sealed with a passphrase, and imports it back', async () => {
    const { envs, registry } = make();
    await envs.save({ id: 'staging', name: 'Staging', production: true, blueprint: 'default' });
    await envs.saveConnection(
      'staging',
      {
        id: 'cache',
        name: 'Cache',
        kind: 'redis',
        role: 'cache',
        host: 'r1',
        port: 6379,
        tls: { enabled: false, verify: true },
        pool: { max: 5, min: 0, idleTimeoutMs: 60000 },
        timeouts: { connectMs: 1000, operationMs: 1000 },
      },
      { password: 'RedisPw9' },
    );
    const plain = await envs.exportYaml('staging');
    expect(plain.secretsIncluded).toBe(false);
    expect(plain.yaml).not.toContain('RedisPw9');
    const sealed = await envs.exportYaml('staging', 'correct horse');
    expect(sealed.secretsIncluded).toBe(true);
    expect(sealed.yaml).not.toContain('RedisPw9');

    await expect(envs.importYaml(sealed.yaml, 'correct horse', false)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(envs.importYaml(sealed.yaml, 'wrong passphrase', true)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await envs.removeConnection('staging', 'cache');
    const back = await envs.importYaml(sealed.yaml, 'correct horse', true);
    expect(back.connections[0]).toMatchObject({ id: 'cache', hasSecret: true });
    expect((await envs.resolve('staging', 'cache')).secret).toEqual({ password: 'RedisPw9' });
    await registry.dispose();
  });

  it('refuses malformed YAML with the path of each problem and changes nothing', async () => {
    const { envs, registry } = make();
    await expect(
      envs.importYaml(
        'keel: environment/v1\nid: "Bad Id"\nname: x\nconnections: [{id: c}]\n',
        undefined,
        true,
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: expect.arrayContaining([expect.objectContaining({ path: ['id'] })]) },
    });
    await expect(envs.importYaml(': : :', undefined, true)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await envs.list()).toEqual([]);
    await registry.dispose();
  });

  it('reads a read-only environment from KEEL_* variables, secrets in memory only', async () => {
    const { envs, registry } = make({
      KEEL_ENV_ID: 'prod',
      KEEL_CONN_CORE_URI: 'mysql://keel:FromUri1@db1:3306/saas_unified_core',
      KEEL_CONN_CACHE_URI: 'redis://cache1:6379/1',
      KEEL_CONN_CACHE_PASSWORD: 'FromVar2',
    });
    const [env] = await envs.list();
    expect(env).toMatchObject({ id: 'prod', source: 'env-vars' });
    expect(env?.connections.map((c) => [c.id, c.role, c.hasSecret])).toEqual([
      ['core', 'core', true],
      ['cache', 'cache', true],
    ]);
    expect((await envs.resolve('prod', 'cache')).secret).toEqual({ password: 'FromVar2' });
    await expect(envs.removeConnection('prod', 'core')).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    await expect(stat(join(dir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await registry.dispose();
  });

  it('explains a bad KEEL_* variable', () => {
    expect(() => environmentFromVars({ KEEL_CONN_X_URI: 'ftp://h' })).toThrow(
      /KEEL_CONN_X_URI: unsupported scheme/,
    );
    expect(() => environmentFromVars({ KEEL_CONN_X_ROLE: 'core' })).toThrow(
      /KEEL_CONN_X_URI is missing/,
    );
    expect(() => environmentFromVars({ KEEL_CONN_X: 'mysql://h' })).toThrow(
      /expected KEEL_CONN_<ID>_/,
    );
  });
});
