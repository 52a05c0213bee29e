import { createConnection, type Connection } from 'mysql2/promise';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { defaultRules } from '../../../electron/main/services/alerts/defaults';
import { evaluate, track, type ConnTrack } from '../../../electron/main/services/alerts/evaluator';
import type { StoredAlert } from '../../../electron/main/services/alerts/store';
import { PartitionMetrics } from '../../../electron/main/services/partitions/metrics';
import { PartitionsService } from '../../../electron/main/services/partitions/partitions.service';
import type { JobRecord } from '../../../shared/jobs';
import type { Sample } from '../../../shared/monitoring';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';
import { createTables, insertRows, jobCtx, NOW, TABLE } from './fixtures';

/**
 * Runway metrics and the default partition rules on a real MariaDB: the figures come from
 * maintenance's discovery of the real tables, go through the alert evaluator with the rules a new
 * environment gets, fire when the clock runs a table's runway down, and resolve once maintenance
 * has added the months.
 */

const ENV = 'plat';
const DAY = 86_400_000;
/** The first instant after the tables' last bounded partition (made at NOW: 4 months on). */
const END = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 4, 1);

describe('partition runway metrics and alerts', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection;
  let clock = Date.now();
  let lastRun: JobRecord | undefined;
  const events: Array<{ connectionId: string; samples: Sample[] }> = [];

  const service = (): PartitionsService =>
    new PartitionsService({
      envs: core.services.environments,
      registry: core.services.registry,
      logger: silentLogger(),
      now: () => new Date(clock),
      retryDelayMs: 100,
    });
  const metrics = (): PartitionMetrics =>
    new PartitionMetrics({
      envIds: async () => [ENV],
      survey: (envId) => service().survey(envId),
      lastRun: async () => lastRun,
      missed: async () => 0,
      ingest: (_env, connectionId, samples) => void events.push({ connectionId, samples }),
      logger: silentLogger(),
      refreshMs: 60_000,
      intervalMs: 10_000,
      now: () => clock,
    });

  /** The alert evaluator over what the metrics published, with the environment's default rules. */
  const conns = new Map<string, ConnTrack>();
  const open = new Map<string, StoredAlert>();
  function evaluateAt(now: number): void {
    for (const e of events.splice(0)) {
      const t = conns.get(e.connectionId) ?? { kind: 'mysql', firstSeen: now, values: new Map() };
      conns.set(e.connectionId, t);
      track(t, {
        envId: ENV,
        connectionId: e.connectionId,
        kind: 'mysql',
        at: now,
        durationMs: 0,
        part: 'partitions',
        points: e.samples.map((s) => ({ metric: s.metric, value: s.value, tags: s.tags ?? {} })),
        omitted: 0,
      });
    }
    const changes = evaluate({
      envId: ENV,
      rules: defaultRules(ENV).filter((r) => r.id.startsWith('partition-')),
      silences: [],
      open: [...open.values()].filter((a) => a.alert.state !== 'resolved'),
      conns,
      now,
      intervalMs: 10_000,
    });
    for (const c of changes) open.set(c.stored.alert.fingerprint, c.stored);
  }
  const firing = (): string[] =>
    [...open.values()]
      .filter((a) => a.alert.state === 'firing')
      .map((a) => `${a.alert.ruleId} ${a.alert.labels.table ?? ''}`.trim())
      .sort();

  /** Publish at `at` and evaluate over a few minutes (rules damp state changes for 60 s). */
  async function observeAt(m: PartitionMetrics, at: number, refresh = false): Promise<void> {
    clock = at;
    if (refresh) await m.refresh(ENV);
    for (let i = 0; i < 4; i++) {
      clock = at + i * 61_000;
      m.publish(ENV);
      evaluateAt(clock);
    }
  }

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-metrics' });
    sql = await createConnection({ host: db.host, port: db.port, user: 'root' });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-metrics-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: { KEEL_ENV_ID: ENV, KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/` },
    });
    await createTables(sql, undefined, NOW);
    for (const s of ['tenant_acme', 'tenant_globex']) await createTables(sql, s, NOW);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('publishes runway, missing months, MAXVALUE rows and counts per table, a few series per connection', async () => {
    const m = metrics();
    await observeAt(m, Date.now(), true);
    const samples = m.samples(ENV, clock).get('core')!;
    // 7 tables × 4 figures + missed scheduled runs (no run yet: no "failed" figure), the same
    // for 2 or 10,000 tenant schemas.
    expect(samples).toHaveLength(7 * 4 + 1);
    const runway = samples.find(
      (s) => s.metric === 'mysql.partition_runway_days' && s.tags?.table === TABLE,
    );
    expect(runway?.value).toBeCloseTo((END - clock) / DAY, 0);
    expect(runway?.unit).toBe('days');
    expect(
      samples.find((s) => s.metric === 'mysql.partition_count' && s.tags?.table === TABLE)?.value,
    ).toBe(8);
    expect(firing()).toEqual([]);
  });

  it('fires the runway rules as the clock runs the runway down, and resolves them after maintenance', async () => {
    const m = metrics();
    // 20 days before the end: warning (< 30 days) only.
    await observeAt(m, END - 20 * DAY, true);
    expect(firing()).toEqual(
      [...new Set(defaultTables())].map((t) => `partition-runway-warning ${t}`).sort(),
    );
    // 5 days before: critical as well; the summary names the table's connection and value.
    await observeAt(m, END - 5 * DAY);
    expect(firing().filter((f) => f.startsWith('partition-runway-critical'))).toHaveLength(7);
    const critical = [...open.values()].find(
      (a) => a.alert.ruleId === 'partition-runway-critical' && a.alert.labels.table === TABLE,
    )!;
    expect(critical.alert.summary).toMatch(/partition_runway_days = [45](\.\d)? on core \(< 7\)/);
    // Maintenance at that moment adds the months ahead; the runway grows and the alerts resolve.
    clock = END - 5 * DAY;
    const run = await service().apply({ envId: ENV, lockWaitSec: 5, attempts: 1 }, jobCtx());
    expect(run.applied).toBe(21);
    await observeAt(m, END - 5 * DAY + 60_000, true);
    expect(firing()).toEqual([]);
    const resolved = [...open.values()].filter(
      (a) => a.alert.ruleId.startsWith('partition-runway') && a.alert.state === 'resolved',
    );
    expect(resolved).toHaveLength(14);
  });

  it('fires on rows in MAXVALUE and on a failed maintenance run, and resolves when they are gone', async () => {
    const m = metrics();
    // Rows dated past every bounded partition: they land in tenant_acme's pmax.
    await insertRows(sql, 'tenant_acme', 25, '2999-01-01', 'late');
    await sql.query(`ANALYZE TABLE tenant_acme.${TABLE}`);
    lastRun = {
      id: 'j_1',
      kind: 'partitions.apply',
      state: 'completed',
      payload: {},
      actor: { type: 'schedule', name: 'Partition maintenance' },
      attempts: 1,
      createdAt: new Date(clock).toISOString(),
      progress: { done: 1 },
      result: { tables: [], applied: 0, failed: 1, refused: 0, unread: [] },
      log: [],
    };
    await observeAt(m, clock + 120_000, true);
    expect(firing()).toEqual([`partition-maintenance-failed`, `partition-maxvalue-rows ${TABLE}`]);
    await sql.query(`DELETE FROM tenant_acme.${TABLE} WHERE id LIKE 'late%'`);
    await sql.query(`ANALYZE TABLE tenant_acme.${TABLE}`);
    lastRun = { ...lastRun, result: { tables: [], applied: 3, failed: 0, refused: 0, unread: [] } };
    await observeAt(m, clock + 120_000, true);
    expect(firing()).toEqual([]);
  });
});

/** The blueprint's seven partitioned tables. */
function defaultTables(): string[] {
  return [
    'saas_unified_audit_logs',
    'ai_call_logs',
    'ai_platform_metrics',
    'wework_message_records',
    'wework_callback_logs',
    'customer_behavior_events',
    'health_device_logs',
  ];
}
