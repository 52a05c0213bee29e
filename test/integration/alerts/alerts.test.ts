import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import type { Alert, AlertEvent, AlertRule, RulePreview } from '../../../shared/alerts';
import {
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';

const INTERVAL_MS = 1000;
const ENV = 'alr';
const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await core.router.dispatch(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

describe('alerts on shared storage, two consoles', () => {
  let db: MariaDbHandle;
  let cache: RedisHandle;
  let hook: Server;
  const received: Array<{ alert: Alert; event: AlertEvent }> = [];
  let hookCalls = 0;
  const dirs: string[] = [];
  const cores: Core[] = [];
  const fired: Alert[] = [];

  const open = async (): Promise<Core> => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-alerts-'));
    dirs.push(dir);
    const core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 9)),
      logger: silentLogger(),
      monitor: true,
      monitoring: { intervalMs: INTERVAL_MS, slowEvery: 5 },
      // The test's webhook listens on loopback, which only an allow-list opens.
      alertWebhooks: { attempts: 5, backoffMs: 200, timeoutMs: 2000, allowNetworks: ['127.0.0.1'] },
      env: {
        KEEL_ENV_ID: ENV,
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        // The only Redis, so also the coordination one: its death must still be alerted.
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${cache.port}/0`,
      },
    });
    cores.push(core);
    return core;
  };

  beforeAll(async () => {
    [db, cache] = await Promise.all([
      startMariaDb({ name: 'alerts' }),
      startRedis({ name: 'alerts-cache' }),
    ]);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hookCalls++;
        // The first delivery fails: the sender must retry.
        if (hookCalls === 1) {
          res.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(body) as { alert: Alert; event: AlertEvent });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const a = await open();
    await open();
    a.bus.subscribe('alerts.fired', (x) => fired.push(x));
  });

  afterAll(async () => {
    for (const c of cores) await c.dispose();
    hook?.close();
    await Promise.all([db?.stop(), cache?.stop()]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('materializes the default rules once, shared by both consoles', async () => {
    const [a, b] = cores as [Core, Core];
    const rules = await call<AlertRule[]>(a, 'alerts.rules', { envId: ENV });
    expect(rules.map((r) => r.id)).toContain('store-down');
    expect(rules.find((r) => r.id === 'api-error-rate')?.enabled).toBe(false);
    const fromB = await call<AlertRule[]>(b, 'alerts.rules', { envId: ENV });
    expect(fromB).toEqual(rules);
    // Damping short enough for a test; a webhook for critical alerts.
    for (const id of ['store-down', 'deadman-redis']) {
      const r = rules.find((x) => x.id === id) as AlertRule;
      await call(a, 'alerts.saveRule', { ...r, minStateSec: 2 });
    }
    const port = (hook.address() as AddressInfo).port;
    await call(b, 'alerts.saveWebhooks', {
      envId: ENV,
      webhooks: [{ id: 'oncall', url: `http://127.0.0.1:${port}/hook`, minSeverity: 'critical' }],
    });
    const leaders = await Promise.all(cores.map((c) => c.services.alerts.isLeader(ENV)));
    await waitFor(
      async () =>
        (await Promise.all(cores.map((c) => c.services.alerts.isLeader(ENV)))).filter(Boolean)
          .length === 1,
      { what: 'one leader', timeoutMs: 10_000 },
    );
    expect(leaders.filter(Boolean).length).toBeLessThanOrEqual(1);
  });

  it('fires a store-down alert within two intervals of killing Redis, once, and resolves it after restart', async () => {
    const [a, b] = cores as [Core, Core];
    // Let both consoles see the cache up first.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    await cache.kill('SIGKILL');
    const killedAt = Date.now();
    const down = await waitFor(
      async () =>
        (await call<Alert[]>(b, 'alerts.list', { envId: ENV, states: ['firing'] })).find(
          (x) => x.ruleId === 'store-down' && x.labels.connection === 'cache',
        ),
      { what: 'store-down firing', timeoutMs: 10_000, intervalMs: 100 },
    );
    const took = Date.now() - killedAt;
    // Fired (by the evaluator's clock) within two intervals; seen by the other console soon after.
    expect(Date.parse(down.firingAt ?? '') - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(took).toBeLessThanOrEqual(2 * INTERVAL_MS + 500);
    expect(down.severity).toBe('critical');
    // The dead-man rule follows after its missed intervals.
    await waitFor(
      async () =>
        (await call<Alert[]>(a, 'alerts.list', { envId: ENV, states: ['firing'] })).some(
          (x) => x.ruleId === 'deadman-redis' && x.labels.connection === 'cache',
        ),
      { what: 'dead-man firing', timeoutMs: 10_000, intervalMs: 200 },
    );
    // One console evaluates and writes; the other only reads.
    const writers = cores.filter((c) => c.services.alerts.stats.writes > 0);
    expect(writers).toHaveLength(1);
    expect(cores.filter((c) => c.services.alerts.stats.evaluations > 0)).toHaveLength(1);
    // One row per fingerprint.
    const all = await call<Alert[]>(a, 'alerts.list', { envId: ENV, search: 'cache' });
    expect(all.filter((x) => x.ruleId === 'store-down')).toHaveLength(1);
    expect(all.filter((x) => x.ruleId === 'deadman-redis')).toHaveLength(1);
    await waitFor(() => fired.some((x) => x.id === down.id), { what: 'alerts.fired' });

    // Webhook: the first POST got a 500, the retry delivered it, once.
    await waitFor(() => received.some((r) => r.alert.id === down.id), {
      what: 'webhook delivery',
      timeoutMs: 10_000,
    });
    expect(received.filter((r) => r.alert.id === down.id && r.event.to === 'firing')).toHaveLength(
      1,
    );
    const sender = cores.find((c) => c.services.alerts.sender.stats.retries > 0);
    expect(sender).toBeDefined();

    await cache.restart();
    await waitFor(
      async () =>
        (await call<{ alert: Alert }>(a, 'alerts.get', { envId: ENV, id: down.id })).alert.state ===
        'resolved',
      { what: 'store-down resolved', timeoutMs: 30_000, intervalMs: 200 },
    );
    const { history } = await call<{ history: AlertEvent[] }>(b, 'alerts.get', {
      envId: ENV,
      id: down.id,
    });
    expect(history.map((h) => h.to)).toEqual(['pending', 'firing', 'resolved']);
  });

  it('acknowledges with a note, visible with its history from the other console', async () => {
    const [a, b] = cores as [Core, Core];
    await cache.kill('SIGKILL');
    const alert = await waitFor(
      async () =>
        (await call<Alert[]>(a, 'alerts.list', { envId: ENV, states: ['firing'] })).find(
          (x) => x.ruleId === 'store-down',
        ),
      { what: 'store-down firing again', timeoutMs: 10_000, intervalMs: 100 },
    );
    const acked = await call<Alert>(a, 'alerts.acknowledge', {
      envId: ENV,
      id: alert.id,
      note: 'restarting the cache',
      untilMinutes: 30,
    });
    expect(acked.state).toBe('acknowledged');
    // The evaluator keeps it acknowledged (no re-notification) over several ticks.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    const seen = await call<{ alert: Alert; history: AlertEvent[] }>(b, 'alerts.get', {
      envId: ENV,
      id: alert.id,
    });
    expect(seen.alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'ops@test',
      ackNote: 'restarting the cache',
    });
    expect(seen.history.at(-1)).toMatchObject({
      to: 'acknowledged',
      by: 'ops@test',
      note: 'restarting the cache',
    });
    const found = await call<Array<{ note: string | null }>>(b, 'alerts.history', {
      envId: ENV,
      search: 'restarting',
    });
    expect(found.length).toBeGreaterThan(0);
    const summary = await call<Array<{ envId: string; acknowledged: number }>>(
      b,
      'alerts.summary',
      {},
    );
    expect(summary.find((s) => s.envId === ENV)?.acknowledged).toBeGreaterThanOrEqual(1);
    await cache.restart();
  });

  it('holds off new alerts for a store under maintenance, and alerts once the window is gone', async () => {
    const [a, b] = cores as [Core, Core];
    // Nothing of the cache open any more (maintenance holds off new alerts, not open ones).
    await waitFor(
      async () =>
        !(
          await call<Alert[]>(a, 'alerts.list', {
            envId: ENV,
            states: ['pending', 'firing', 'acknowledged'],
          })
        ).some((x) => x.labels.connection === 'cache'),
      { what: 'cache alerts resolved', timeoutMs: 30_000, intervalMs: 200 },
    );
    const now = Date.now();
    await call(b, 'alerts.saveSilence', {
      id: 'cache-work',
      envId: ENV,
      kind: 'maintenance',
      matchers: { connection: 'cache' },
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      comment: 'upgrading the cache',
    });
    await cache.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS));
    const during = await call<Alert[]>(a, 'alerts.list', {
      envId: ENV,
      states: ['pending', 'firing'],
    });
    expect(during.filter((x) => x.labels.connection === 'cache').map((x) => x.ruleId)).toEqual([]);
    await call(a, 'alerts.removeSilence', { envId: ENV, id: 'cache-work' });
    await waitFor(
      async () =>
        (await call<Alert[]>(b, 'alerts.list', { envId: ENV, states: ['firing'] })).some(
          (x) => x.labels.connection === 'cache' && x.ruleId === 'store-down' && !x.silenced,
        ),
      { what: 'store-down after the window', timeoutMs: 10_000, intervalMs: 200 },
    );
    await cache.restart();
  });

  it('previews a rule over the memory window with the same state machine', async () => {
    const [a] = cores as [Core];
    const rules = await call<AlertRule[]>(a, 'alerts.rules', { envId: ENV });
    const base = rules.find((r) => r.id === 'db-connections') as AlertRule;
    const p = await call<RulePreview>(a, 'alerts.previewRule', {
      rule: { ...base, threshold: 0, clearThreshold: 0, forSec: 0 },
      hours: 1,
    });
    expect(p.source).toBe('memory');
    expect(p.points.length).toBeGreaterThan(0);
    expect(p.firings).toHaveLength(1);
    expect(p.firings[0]).toMatchObject({ series: 'core', end: null });
    const none = await call<RulePreview>(a, 'alerts.previewRule', {
      rule: rules.find((r) => r.id === 'api-error-rate'),
      hours: 1,
    });
    expect(none).toMatchObject({ source: 'none', points: [] });
  });

  it('evaluates once per team: the second console takes over when the leader goes', async () => {
    const leader = await waitFor(
      async () => {
        for (const c of cores) if (await c.services.alerts.isLeader(ENV)) return c;
        return undefined;
      },
      { what: 'a leader' },
    );
    const other = cores.find((c) => c !== leader) as Core;
    await leader.dispose();
    cores.splice(cores.indexOf(leader), 1);
    await waitFor(() => other.services.alerts.isLeader(ENV), {
      what: 'take-over',
      timeoutMs: 15_000,
    });
  });
});
