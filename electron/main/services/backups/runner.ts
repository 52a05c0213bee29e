import type { BackupRun, BackupSummary } from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import type { StoreClientInit } from '../../stores/types';
import type { JobContext } from '../jobs/types';
import { defaultCompression, type Compression } from './compress';
import { runWithLifecycle, type BackupEngine } from './lifecycle';
import { influxEngine } from './influx-engine';
import { mongoEngine } from './mongo-engine';
import { mysqlEngine } from './mysql-engine';
import { redisEngine } from './redis-engine';
import { retentionPlan } from './retention';
import type { TenantPlan } from './scope';
import type { BackupStorage } from './storage';
import type { TenantStoreNames } from './tenant-plan';
import { verifyBackup } from './verify';

export interface BackupSettings {
  /** Connections dumping in parallel, each in the same snapshot. */
  workers: number;
  /** Rows per primary-key range chunk (estimated from the table's statistics). */
  chunkRows: number;
  /** Default: zstd when the tool is installed, else gzip. */
  compression?: Compression;
  /** Free space a run must leave on the backup disk beyond its estimated size. */
  reserveBytes: number;
  /**
   * A chunk that receives no row for this long fails with TIMEOUT. Generous: a tenant's rows of
   * a large shared table may take the server minutes to find.
   */
  stallMs: number;
  /**
   * Redis: commands per second a run may send (SCAN, DUMP and PTTL each count as one), so a
   * backup cannot crowd out the platform's own traffic.
   */
  redisOpsPerSec: number;
  /** InfluxDB: the time window one query reads (ms). */
  influxWindowMs: number;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = {
  workers: 4,
  chunkRows: 200_000,
  reserveBytes: 256 * 1024 * 1024,
  stallMs: 600_000,
  redisOpsPerSec: 200_000,
  influxWindowMs: 24 * 3600_000,
};

/**
 * KEEL_BACKUP_WORKERS, _CHUNK_ROWS, _RESERVE_MB, _STALL_SEC, _REDIS_OPS, _INFLUX_WINDOW_MIN and
 * _COMPRESSION over the defaults.
 */
export function backupSettingsFromEnv(env: NodeJS.ProcessEnv): BackupSettings {
  const int = (name: string, fallback: number, max: number): number => {
    const v = Number(env[name]);
    return Number.isInteger(v) && v > 0 ? Math.min(v, max) : fallback;
  };
  const c = env.KEEL_BACKUP_COMPRESSION;
  return {
    workers: int('KEEL_BACKUP_WORKERS', DEFAULT_BACKUP_SETTINGS.workers, 32),
    chunkRows: int('KEEL_BACKUP_CHUNK_ROWS', DEFAULT_BACKUP_SETTINGS.chunkRows, 100_000_000),
    reserveBytes:
      int('KEEL_BACKUP_RESERVE_MB', DEFAULT_BACKUP_SETTINGS.reserveBytes / 1048576, 2 ** 40) *
      1048576,
    stallMs: int('KEEL_BACKUP_STALL_SEC', DEFAULT_BACKUP_SETTINGS.stallMs / 1000, 86_400) * 1000,
    redisOpsPerSec: int('KEEL_BACKUP_REDIS_OPS', DEFAULT_BACKUP_SETTINGS.redisOpsPerSec, 1e7),
    influxWindowMs:
      int(
        'KEEL_BACKUP_INFLUX_WINDOW_MIN',
        DEFAULT_BACKUP_SETTINGS.influxWindowMs / 60_000,
        525_600,
      ) * 60_000,
    ...((c === 'zstd' || c === 'gzip') && { compression: c }),
  };
}

/** What the job body needs; no job starter, no electron. */
export interface RunnerDeps {
  resolve(envId: string, connectionId: string): Promise<StoreClientInit>;
  storageOf(envId: string): BackupStorage;
  tenantPlan(envId: string, connectionId: string, tenantId: string): Promise<TenantPlan>;
  /** A tenant's names in the other stores, checked to live on this connection. */
  tenantNames(envId: string, connectionId: string, tenantId: string): Promise<TenantStoreNames>;
  keelVersion: string;
  settings: BackupSettings;
}

/** The engine that backs up the run's connection, by its kind. */
export async function engineFor(d: RunnerDeps, run: BackupRun): Promise<BackupEngine> {
  const init = await d.resolve(run.envId, run.connectionId);
  switch (init.connection.kind) {
    case 'mysql':
      return mysqlEngine(d, run);
    case 'redis':
      return redisEngine(d, run, init);
    case 'influxdb':
      return influxEngine(d, run, init);
    case 'mongodb':
      return mongoEngine(d, run, init);
  }
}

/** The body of a `backups.run` job (see runWithLifecycle). */
export async function runBackup(
  run: BackupRun,
  ctx: JobContext,
  d: RunnerDeps,
): Promise<BackupSummary> {
  const engine = await engineFor(d, run);
  const compression = d.settings.compression ?? defaultCompression();
  const storage = d.storageOf(run.envId);
  const summary = await runWithLifecycle(run, ctx, storage, compression, engine);
  if (!run.verify) return summary;
  const report = await verifyBackup(storage, summary.id, ctx.signal);
  const verified = { at: report.at, ok: report.ok };
  await storage.record(summary.id, (old) => old && { ...old, verified });
  if (!report.ok) {
    throw new KeelError(
      'INTERNAL',
      `backup ${summary.id} was written but does not match its manifest: ${report.problems
        .slice(0, 3)
        .map((p) => `${p.file}: ${p.message}`)
        .join('; ')}`,
      { backupId: summary.id },
    );
  }
  if (run.keepDays !== undefined) {
    const plan = retentionPlan(await storage.records(), run, run.keepDays, new Date());
    for (const id of plan.backups) {
      await storage.removeDir(id);
      await storage.record(id, () => undefined);
      ctx.log('info', `retention: deleted backup ${id} (older than ${run.keepDays} days)`);
    }
    for (const id of plan.records) await storage.record(id, () => undefined);
  }
  return { ...summary, verified };
}
