import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import {
  ensureMaintenanceSchedule,
  MAINTENANCE_SCHEDULE_ID,
} from '../../../electron/main/services/partitions/schedule';
import type { JobRecord } from '../../../shared/jobs';
import type {
  PartitionPolicies,
  PartitionsApplyResult,
  PartitionsPlan,
} from '../../../shared/partitions';
import type { ScheduleListEntry } from '../../../shared/schedules';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';
import { createTables, insertRows, monthName, monthsFrom, partitionNames, TABLE } from './fixtures';

/**
 * Scheduled maintenance and per-table overrides on a real MariaDB: the default daily schedule a
 * Keel start makes, overrides that are checked, stored in the environment and audited, and a run
 * that meets a long transaction: it waits within its bound, fails that attempt, and the jobs
 * engine runs it again later until it completes.
 */

const ctxUser = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};
const ENV = 'ops';

describe('partition maintenance: schedule, overrides, lock waits', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection;

  const start = (): Promise<Core> =>
    createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: {},
      work: true,
    });

  async function call<T>(method: string, input: unknown): Promise<T> {
    const r = await core.router.dispatch(method, input, ctxUser);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  }
  async function refused(
    method: string,
    input: unknown,
  ): Promise<{ code: string; message: string }> {
    const r = await core.router.dispatch(method, input, ctxUser);
    if (r.ok) throw new Error(`${method} was accepted: ${JSON.stringify(input)}`);
    return r.error;
  }

  /** Poll a state until it holds (bounded): job records and schedules have no event to wait on here. */
  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-policy' });
    sql = await createConnection({ host: db.host, port: db.port, user: 'root' });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-policy-'));
    core = await start();
    await call('environments.save', { id: ENV, name: 'Ops', blueprint: 'default' });
    await call('environments.saveConnection', {
      envId: ENV,
      connection: {
        id: 'core',
        name: 'Core',
        kind: 'mysql',
        role: 'core',
        host: '127.0.0.1',
        port: db.port,
        user: 'root',
      },
    });
    // Shared tables made two months ago: each needs two more months ahead now.
    await createTables(sql, undefined, monthsFrom(-2));
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('a Keel start schedules daily maintenance once, and keeps an operator’s choice', async () => {
    await core.dispose();
    core = await start();
    const daily = (
      await until(
        () => call<ScheduleListEntry[]>('schedules.list', { envId: ENV }),
        (l) => l[0]?.schedules.some((s) => s.id === MAINTENANCE_SCHEDULE_ID) === true,
        30_000,
      )
    )[0]!.schedules;
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({
      cron: '0 3 * * *',
      tz: 'UTC',
      enabled: true,
      target: { kind: 'partitions.apply', payload: { envId: ENV, lockWaitSec: 5, attempts: 2 } },
      createdBy: { type: 'system' },
    });
    // One run a day, at 03:00 UTC.
    const next = daily[0]!.next.map((t) => new Date(t));
    expect(next.every((d) => d.getUTCHours() === 3 && d.getUTCMinutes() === 0)).toBe(true);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(86_400_000);
    // Paused by the operator: a second start (or another console) leaves it paused.
    await call('schedules.pause', { envId: ENV, id: MAINTENANCE_SCHEDULE_ID });
    expect(await ensureMaintenanceSchedule(core.services.schedules, ENV)).toBe('exists');
    const after = await call<ScheduleListEntry[]>('schedules.list', { envId: ENV });
    expect(after[0]!.schedules.map((s) => [s.id, s.enabled])).toEqual([
      [MAINTENANCE_SCHEDULE_ID, false],
    ]);
  }, 60_000);

  it('an override changes what the plan adds for that table only, and is audited', async () => {
    const policies = await call<PartitionPolicies>('partitions.setOverride', {
      envId: ENV,
      table: TABLE,
      override: { premake: 5 },
    });
    expect(policies.find((p) => p.table === TABLE)).toMatchObject({
      override: { premake: 5 },
      blueprint: { premake: 3 },
      effective: { premake: 5 },
    });
    const plan = await call<PartitionsPlan>('partitions.plan', { envId: ENV });
    const byTable = new Map(plan.plans.map((p) => [p.table, p.add.map((a) => a.name)]));
    expect(byTable.get(TABLE)).toEqual([2, 3, 4, 5].map((i) => monthName(i)));
    expect(byTable.get('ai_call_logs')).toEqual([monthName(2), monthName(3)]);
    const [audit] = await sql.query(
      "SELECT actor, target, before_state, after_state, result FROM keel.keel_audit WHERE action = 'partitions.override'",
    );
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'user:ops@test',
        target: `${ENV}/${TABLE}`,
        result: 'ok',
        before_state: expect.objectContaining({ premake: 3 }),
        after_state: expect.objectContaining({ premake: 5 }),
      }),
    ]);
    // The environment's export carries it (a worker elsewhere imports the same environment).
    const env = await core.services.environments.get(ENV);
    expect(env.partitionOverrides).toEqual({ [TABLE]: { premake: 5 } });
  });

  it('refuses bad overrides with the reason and changes nothing', async () => {
    const before = await call<PartitionPolicies>('partitions.policies', { envId: ENV });
    const cases: Array<[unknown, RegExp]> = [
      [{ table: TABLE, override: { premake: 0 } }, /premake at least 1/],
      [{ table: TABLE, override: { premake: 37 } }, /premake at most 36/],
      [{ table: 'tenants', override: { premake: 4 } }, /not a partitioned table/],
      [{ table: TABLE, override: { retention: 2 } }, /shorter than the 3 intervals of history/],
      [{ table: TABLE, override: { column: 'event_time' } }, /Unrecognized key|column/],
      [
        { table: TABLE, override: { retention: 12, archive: false } },
        /without archiving them: type the table name/,
      ],
    ];
    for (const [input, reason] of cases) {
      const e = await refused('partitions.setOverride', { envId: ENV, ...(input as object) });
      expect(e.code, JSON.stringify(input)).toBe('VALIDATION');
      expect(e.message, JSON.stringify(input)).toMatch(reason);
    }
    expect(await call('partitions.policies', { envId: ENV })).toEqual(before);
    // Typed once, the unarchived drops are accepted; removing the override restores the blueprint.
    const confirmed = await call<PartitionPolicies>('partitions.setOverride', {
      envId: ENV,
      table: TABLE,
      override: { retention: 12, archive: false },
      confirm: TABLE,
    });
    expect(confirmed.find((p) => p.table === TABLE)?.effective).toMatchObject({
      retention: 12,
      archive: false,
      premake: 3,
    });
    const removed = await call<PartitionPolicies>('partitions.setOverride', {
      envId: ENV,
      table: TABLE,
      override: null,
    });
    const row = removed.find((p) => p.table === TABLE)!;
    expect(row.override).toBeUndefined();
    expect(row.effective).toEqual(row.blueprint);
  });

  it('behind a long transaction: waits within its bound, inserts keep flowing, the engine retries later', async () => {
    const holder = await createConnection({ host: db.host, port: db.port, user: 'root' });
    const app = await createConnection({ host: db.host, port: db.port, user: 'root' });
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT COUNT(*) FROM customer_management.${TABLE}`);
      const job = await call<JobRecord>('partitions.apply', {
        envId: ENV,
        lockWaitSec: 1,
        attempts: 1,
      });
      // The application's inserts while the ALTER waits: held back at most by the ALTER's bound.
      const waits: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await insertRows(app, 'customer_management', 1, new Date(), `app${i}_`);
        waits.push(performance.now() - t0);
      }
      expect(Math.max(...waits)).toBeLessThan(5_000);
      // Attempt 1 gave up on the held table and was failed retriably; the engine tries again.
      const retrying = await until(
        () => core.services.jobs.get(job.id),
        (r) => r.log.some((l) => /retrying in/.test(l.msg)) || r.state !== 'running',
        30_000,
      );
      expect(retrying.state).not.toBe('failed');
      expect(retrying.log.map((l) => l.msg).join('\n')).toMatch(
        new RegExp(`customer_management\\.${TABLE}.*retried later`),
      );
      expect(await partitionNames(sql, 'customer_management')).not.toContain(monthName(2));
      await holder.query('ROLLBACK');
      const done = await core.services.jobs.wait(job.id);
      expect(done.state).toBe('completed');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      const result = done.result as PartitionsApplyResult;
      expect(result.failed).toBe(0);
      expect(await partitionNames(sql, 'customer_management')).toContain(monthName(3));
      const [[{ n }]] = (await app.query(
        `SELECT COUNT(*) AS n FROM customer_management.${TABLE} WHERE id LIKE 'app%'`,
      )) as unknown as [[{ n: number }]];
      expect(Number(n)).toBe(5);
    } finally {
      await holder.end();
      await app.end();
    }
  }, 90_000);
});
