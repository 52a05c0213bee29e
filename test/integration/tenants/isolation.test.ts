import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantDetail, TenantSummary } from '../../../shared/tenants';
import { databases } from '../../../electron/main/services/tenants/undo';
import { startTenantPlatform, type TenantPlatform } from '../../support/tenants';

/**
 * Tenant isolation in Redis, tried as the tenant would: a real ioredis client logged in as the
 * tenant's ACL user (the test gives the user a password it knows), against the private Redis of
 * the tenant platform. Issue 14 items 2, 3, 7, 8 and issue 16 item 4.
 */

const ENV = 'plat';
const BUSINESS_DB = 1;

describe('tenant isolation in Redis (real Redis 7, tenants logged in with their own ACL user)', () => {
  let p: TenantPlatform;
  const clients: Redis[] = [];

  const provision = async (id: string): Promise<void> => {
    const rec = await p.job('tenants.provision', {
      envId: ENV,
      spec: { id, name: `${id} Inc`, plan: 'basic', tier: 'shared' },
    });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
  };

  /** The flags of a tenant's ACL user (`on` / `off` …), read as the admin. */
  const flags = async (id: string): Promise<string[]> => {
    const u = (await p.redisClient.call('ACL', 'GETUSER', `tenant_${id}`)) as unknown[] | null;
    if (!u) throw new Error(`no ACL user tenant_${id}`);
    return u[u.indexOf('flags') + 1] as string[];
  };

  /** Give the tenant's user a password the test knows (added beside Keel's, nothing else changes). */
  const knowPassword = (id: string) =>
    p.redisClient.call('ACL', 'SETUSER', `tenant_${id}`, `>pw-${id}`);

  /** A connection as the tenant, never reconnecting (so a killed connection stays dead). */
  const asTenant = async (id: string, db = BUSINESS_DB): Promise<Redis> => {
    const c = new Redis({
      port: p.redis.port,
      username: `tenant_${id}`,
      password: `pw-${id}`,
      db,
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    c.on('error', () => undefined);
    clients.push(c);
    await c.connect();
    return c;
  };

  /** What AUTH as the tenant answers, on a fresh connection. */
  const logIn = async (id: string): Promise<string> => {
    const c = new Redis({ port: p.redis.port, lazyConnect: true, enableReadyCheck: false });
    clients.push(c);
    await c.connect();
    return c.call('AUTH', `tenant_${id}`, `pw-${id}`).then(String, (e: Error) => e.message);
  };

  /** Keel's record of a tenant (plan, quotas, status), read as the admin. */
  const record = async (id: string): Promise<Record<string, string>> => {
    const all = (await p.redisClient
      .multi()
      .select(BUSINESS_DB)
      .hgetall(`keel:tenant:${id}:quota`)
      .select(0)
      .exec()) as Array<[Error | null, Record<string, string>]>;
    return all[1]?.[1] ?? {};
  };

  /** 'NOPERM' when Redis refuses the call for want of permission, else 'ok' (or the error). */
  const outcome = (c: Redis, args: Array<string | number>): Promise<string> =>
    c.call(String(args[0]), ...args.slice(1)).then(
      () => 'ok',
      (e: Error) => (e.message.startsWith('NOPERM') ? 'NOPERM' : e.message),
    );

  beforeAll(async () => {
    p = await startTenantPlatform('isolation');
    const applied = await p.job('tenants.applyBlueprint', { envId: ENV });
    expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
    for (const id of ['alpha', 'beta']) {
      await provision(id);
      await knowPassword(id);
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await p?.stop();
  });

  describe('status changes (issue 14 item 2)', () => {
    it('a refused resume leaves a tenant marked for deletion locked out', async () => {
      await provision('leaving');
      await knowPassword('leaving');
      await p.call('tenants.markForDeletion', {
        envId: ENV,
        tenantId: 'leaving',
        reason: 'contract ended',
        graceDays: 30,
      });
      expect(await flags('leaving')).toContain('off');
      const refused = await p.refused('tenants.resume', {
        envId: ENV,
        tenantId: 'leaving',
        reason: 'try',
      });
      expect(refused.code).toBe('PRECONDITION_FAILED');
      expect(await flags('leaving')).toContain('off');
      expect(await logIn('leaving')).toMatch(/WRONGPASS/);
      const d = await p.call<TenantDetail>('tenants.get', { envId: ENV, tenantId: 'leaving' });
      expect(d.tenant.status).toBe('pending_deletion');
      expect(d.footprint.redis?.aclEnabled).toBe(false);
    });

    it('a refused change that would lock an active tenant out neither locks it out nor drops its connections', async () => {
      const c = await asTenant('alpha');
      const id = await c.client('ID');
      const refused = await p.refused('tenants.cancelDeletion', {
        envId: ENV,
        tenantId: 'alpha',
        reason: 'not pending',
      });
      expect(refused.code).toBe('PRECONDITION_FAILED');
      expect(await flags('alpha')).toContain('on');
      // The same connection, not a new one: nothing was disconnected.
      expect(await c.client('ID')).toBe(id);
    });
  });

  describe("Keel's own record of a tenant (issue 14 item 3)", () => {
    it('lives outside the tenant prefix: the tenant can read it but not write it, nor read another', async () => {
      expect(await record('alpha')).toMatchObject({ plan: 'basic', status: 'active' });
      const c = await asTenant('alpha');
      await expect(c.hset('keel:tenant:alpha:quota', 'plan', 'enterprise')).rejects.toThrow(
        /NOPERM/,
      );
      await expect(c.del('keel:tenant:alpha:quota')).rejects.toThrow(/NOPERM/);
      expect(await c.hget('keel:tenant:alpha:quota', 'plan')).toBe('basic');
      await expect(c.hgetall('keel:tenant:beta:quota')).rejects.toThrow(/NOPERM/);
      // A hash the tenant writes under its own prefix is its own business, not Keel's record.
      await c.hset('t:alpha:quota', 'plan', 'enterprise');
      expect(await record('alpha')).toMatchObject({ plan: 'basic' });
    });

    it('says the truth about the status through suspend, resume, mark and cancel', async () => {
      const seen: string[] = [];
      const step = async (method: string, extra: object = {}) => {
        await p.call<TenantSummary>(method, {
          envId: ENV,
          tenantId: 'beta',
          reason: method,
          ...extra,
        });
        seen.push((await record('beta')).status ?? '(none)');
      };
      await step('tenants.suspend');
      await step('tenants.resume');
      await step('tenants.markForDeletion', { graceDays: 30 });
      await step('tenants.cancelDeletion');
      await step('tenants.resume');
      expect(seen).toEqual(['suspended', 'active', 'pending_deletion', 'suspended', 'active']);
    });
  });

  describe('commands that reach past the tenant (issue 14 item 8)', () => {
    it('refuses every server-wide command and keeps what a tenant app needs', async () => {
      const beta = await asTenant('beta');
      await beta.set('t:beta:secret', 'x');
      const c = await asTenant('alpha');
      const lib = "#!lua name=evil\nredis.register_function('evil', function() return 1 end)";
      const denied: Array<Array<string | number>> = [
        ['SCAN', 0],
        ['SCAN', 0, 'MATCH', 't:alpha:*'],
        ['KEYS', '*'],
        ['RANDOMKEY'],
        ['DBSIZE'],
        ['PUBSUB', 'CHANNELS', '*'],
        ['PUBSUB', 'NUMPAT'],
        ['SCRIPT', 'FLUSH'],
        ['SCRIPT', 'KILL'],
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'LOAD', lib],
        ['FUNCTION', 'LIST'],
        ['CLIENT', 'LIST'],
        ['CLIENT', 'TRACKING', 'ON', 'BCAST'],
        ['CLIENT', 'KILL', 'ID', 1],
        ['MEMORY', 'STATS'],
        ['INFO'],
        ['CONFIG', 'GET', 'databases'],
        ['FLUSHDB'],
        ['FLUSHALL'],
        ['SWAPDB', 0, 1],
        ['GET', 't:beta:secret'],
        ['PUBLISH', 't:beta:events', 'hi'],
      ];
      const allowed: Array<Array<string | number>> = [
        ['SET', 't:alpha:k', 'v'],
        ['GET', 't:alpha:k'],
        ['HSET', 't:alpha:h', 'f', 'v'],
        ['EXPIRE', 't:alpha:k', 60],
        ['LPUSH', 't:alpha:l', 'a'],
        ['SADD', 't:alpha:s', 'a'],
        ['ZADD', 't:alpha:z', 1, 'a'],
        ['XADD', 't:alpha:x', '*', 'f', 'v'],
        ['EVAL', "return redis.call('GET', KEYS[1])", 1, 't:alpha:k'],
        ['PUBLISH', 't:alpha:events', 'hi'],
        ['MEMORY', 'USAGE', 't:alpha:k'],
        ['CLIENT', 'SETNAME', 'app'],
        ['SELECT', 0],
        ['SELECT', BUSINESS_DB],
      ];
      const label = (a: Array<string | number>) => a.slice(0, 3).join(' ').slice(0, 40);
      const matrix: Record<string, string> = {};
      for (const a of [...denied, ...allowed]) matrix[label(a)] = await outcome(c, a);
      expect(matrix).toEqual({
        ...Object.fromEntries(denied.map((a) => [label(a), 'NOPERM'])),
        ...Object.fromEntries(allowed.map((a) => [label(a), 'ok'])),
      });
    });

    it('delivers its own channels and refuses another tenant’s', async () => {
      const sub = await asTenant('alpha');
      const pub = await asTenant('alpha');
      await sub.subscribe('t:alpha:events');
      const got = new Promise<string>((r) => sub.once('message', (_ch, msg: string) => r(msg)));
      await pub.publish('t:alpha:events', 'hello');
      expect(await got).toBe('hello');
      const other = await asTenant('alpha');
      await expect(other.subscribe('t:beta:events')).rejects.toThrow(/NOPERM/);
      const pattern = await asTenant('alpha');
      await expect(pattern.psubscribe('*')).rejects.toThrow(/NOPERM/);
    });

    it('re-provisioning gives an existing user the current rules and keeps its password and on/off state', async () => {
      await provision('legacy');
      await p.call('tenants.suspend', { envId: ENV, tenantId: 'legacy', reason: 'legacy' });
      // The rules Keel wrote before this fix, with a password the tenant holds, disabled.
      await p.redisClient.call(
        'ACL',
        'SETUSER',
        'tenant_legacy',
        'reset',
        'off',
        '>pw-legacy',
        '~t:legacy:*',
        '&t:legacy:*',
        '+@all',
        '-@admin',
        '-@dangerous',
      );
      const dry = (...cmd: string[]) =>
        p.redisClient.call('ACL', 'DRYRUN', 'tenant_legacy', ...cmd).then(String);
      expect(await dry('SCAN', '0')).toBe('OK');
      await provision('legacy');
      expect(await flags('legacy')).toContain('off');
      expect(await dry('SCAN', '0')).toMatch(/no permissions/);
      await p.call('tenants.resume', { envId: ENV, tenantId: 'legacy', reason: 'back' });
      const c = await asTenant('legacy');
      expect(await outcome(c, ['SCAN', 0])).toBe('NOPERM');
      expect(await outcome(c, ['SET', 't:legacy:k', 'v'])).toBe('ok');
    });
  });

  it('re-provisioning a suspended tenant whose ACL user and record were lost leaves it locked out (issue 16 item 4)', async () => {
    await provision('sleeper');
    await p.call('tenants.suspend', { envId: ENV, tenantId: 'sleeper', reason: 'unpaid' });
    // What a Redis restart without an ACL file or data does.
    await p.redisClient.call('ACL', 'DELUSER', 'tenant_sleeper');
    await p.redisClient
      .multi()
      .select(BUSINESS_DB)
      .del('keel:tenant:sleeper:quota', 't:sleeper:quota')
      .select(0)
      .exec();
    await provision('sleeper');
    expect(await flags('sleeper')).toContain('off');
    expect(await record('sleeper')).toMatchObject({ status: 'suspended', plan: 'basic' });
    const d = await p.call<TenantDetail>('tenants.get', { envId: ENV, tenantId: 'sleeper' });
    expect(d.tenant.status).toBe('suspended');
  });

  it('a completed purge leaves none of the tenant’s keys in any logical database (issue 14 item 7)', async () => {
    await provision('gone');
    await knowPassword('gone');
    const dbs = [0, 1, 5];
    for (const db of dbs) {
      const c = await asTenant('gone', db);
      await c.set(`t:gone:in:${db}`, 'x');
    }
    // MOVE takes a key to any database too.
    const mover = await asTenant('gone', BUSINESS_DB);
    await mover.set('t:gone:moved', 'x');
    expect(await mover.move('t:gone:moved', 9)).toBe(1);
    const neighbour = await asTenant('alpha', 5);
    await neighbour.set('t:alpha:in:5', 'kept');
    const left = async (): Promise<string[]> => {
      const out: string[] = [];
      for (let db = 0; db < 16; db++) {
        const r = (await p.redisClient.multi().select(db).keys('*').select(0).exec()) as Array<
          [Error | null, string[]]
        >;
        out.push(...(r[1]?.[1] ?? []).map((k) => `${db}/${k}`));
      }
      return out.sort();
    };
    expect((await left()).filter((k) => k.includes('/t:gone:in:') || k.includes(':moved'))).toEqual(
      ['0/t:gone:in:0', '1/t:gone:in:1', '5/t:gone:in:5', '9/t:gone:moved'],
    );
    await p.call('tenants.markForDeletion', {
      envId: ENV,
      tenantId: 'gone',
      reason: 'ended',
      graceDays: 0,
    });
    const purged = await p.job('tenants.purge', {
      envId: ENV,
      tenantId: 'gone',
      confirm: 'gone',
      reason: 'grace over',
    });
    expect(purged.state, JSON.stringify(purged.error)).toBe('completed');
    const after = await left();
    expect(after.filter((k) => k.includes(':gone:'))).toEqual([]);
    expect(after).toContain('5/t:alpha:in:5');
    expect(after).toContain('1/keel:tenant:alpha:quota');
  });

  it('finds every logical database by SELECT where CONFIG is refused (a managed Redis)', async () => {
    const store = await p.core.services.registry.of('redis', ENV, 'cache');
    expect(await databases(store)).toHaveLength(16);
    await p.redisClient.call('ACL', 'SETUSER', 'default', '-config');
    try {
      await expect(store.command(['CONFIG', 'GET', 'databases'])).rejects.toThrow(/NOPERM/);
      expect(await databases(store)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    } finally {
      await p.redisClient.call('ACL', 'SETUSER', 'default', '+config');
    }
  });
});
