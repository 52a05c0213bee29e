import { join } from 'node:path';
import type { Logger } from 'pino';
import type {
  AnyManifest,
  BackupRun,
  BackupScope,
  BackupStatus,
  BackupSummary,
  VerifyReport,
} from '../../../../shared/backups';
import { KeelError, isKeelError } from '../../../../shared/errors';
import type { Actor, JobPayload, JobRecord } from '../../../../shared/jobs';
import type { Environment } from '../../../../shared/models/environment';
import type { TenantDetail } from '../../../../shared/tenants';
import type { StoreClientInit } from '../../stores/types';
import { BlueprintLoader } from '../tenants/blueprints';
import { DEFAULT_BACKUP_SETTINGS, engineFor, type BackupSettings, type RunnerDeps } from './runner';
import { schedulePlan, type ScheduleRequest } from './policy';
import { backupStatus } from './status';
import { BackupStorage, summaryOf } from './storage';
import { tenantNamesOf, tenantPlanOf } from './tenant-plan';
import { verifyBackup } from './verify';

/** What the service needs from the jobs engine (the JobService), kept narrow for tests. */
export interface BackupJobs {
  start(
    kind: 'backups.run',
    payload: JobPayload<'backups.run'>,
    opts: { actor: Actor; envId?: string; tenantId?: string },
  ): Promise<JobRecord>;
  get(id: string): Promise<JobRecord>;
}

export interface BackupsOptions {
  envs: {
    get(envId: string): Promise<Environment>;
    resolve(envId: string, connectionId: string): Promise<StoreClientInit>;
  };
  tenants: { get(envId: string, tenantId: string): Promise<TenantDetail> };
  logger: Logger;
  /** Keel's state directory: backups go to `<stateDir>/backups/<envId>/`. */
  stateDir: string;
  keelVersion: string;
  settings?: Partial<BackupSettings>;
  blueprintDir?: string;
}

/**
 * The backups facade: reads the catalog, verifies and deletes backups, and starts runs after
 * the same pre-flight the run makes, so a bad request is refused before a job exists. The run
 * itself is `runBackup` (runner.ts), registered as the `backups.run` job.
 */
export class BackupsService {
  private jobs: BackupJobs | undefined;
  private readonly storages = new Map<string, BackupStorage>();
  private readonly blueprints: BlueprintLoader;
  readonly deps: RunnerDeps;

  constructor(private readonly o: BackupsOptions) {
    this.blueprints = new BlueprintLoader(o.blueprintDir);
    this.deps = {
      resolve: (e, c) => o.envs.resolve(e, c),
      storageOf: (e) => this.storage(e),
      tenantPlan: (e, c, t) => tenantPlanOf(this.lookup(), e, c, t),
      tenantNames: (e, c, t) => tenantNamesOf(this.lookup(), e, c, t),
      keelVersion: o.keelVersion,
      settings: { ...DEFAULT_BACKUP_SETTINGS, ...o.settings },
    };
  }

  private lookup() {
    return { envs: this.o.envs, tenants: this.o.tenants, blueprints: this.blueprints };
  }

  /** The jobs engine is created after this service (its handlers need it). */
  attachJobs(jobs: BackupJobs): void {
    this.jobs = jobs;
  }

  storage(envId: string): BackupStorage {
    let s = this.storages.get(envId);
    if (!s) {
      s = new BackupStorage(join(this.o.stateDir, 'backups', envId));
      this.storages.set(envId, s);
    }
    return s;
  }

  /** Check everything a run needs (nothing is written), then start it as a job. */
  async startRun(run: BackupRun, actor: Actor): Promise<JobRecord> {
    const env = await this.o.envs.get(run.envId);
    if (!env.connections.some((c) => c.id === run.connectionId))
      throw new KeelError('NOT_FOUND', `no connection "${run.connectionId}" in ${run.envId}`);
    const engine = await engineFor(this.deps, run);
    try {
      await engine.preflight();
    } finally {
      await engine.close().catch(() => engine.kill());
    }
    if (!this.jobs) throw new KeelError('INTERNAL', 'the jobs engine is not attached');
    return this.jobs.start('backups.run', run, {
      actor,
      envId: run.envId,
      ...(run.scope.type === 'tenant' && { tenantId: run.scope.tenantId }),
    });
  }

  /**
   * The catalog, newest first: complete backups (a manifest), runs in progress, and failed or
   * cancelled runs with their reason. A directory left without a manifest by a run that is no
   * longer alive (Keel was killed) is removed and listed as failed.
   */
  async list(envId: string): Promise<BackupSummary[]> {
    await this.o.envs.get(envId);
    const storage = this.storage(envId);
    const records = new Map((await storage.records()).map((r) => [r.id, r]));
    const dirs = new Set(await storage.ids());
    const out: BackupSummary[] = [];
    for (const id of new Set([...dirs, ...records.keys()])) {
      const rec = records.get(id);
      if (!dirs.has(id)) {
        // Failed runs have no directory; a complete one without it was deleted outside Keel.
        if (rec && rec.status !== 'complete' && rec.status !== 'running') out.push(rec);
        continue;
      }
      if (rec?.status === 'complete') {
        out.push(rec);
        continue;
      }
      const read = await storage.readManifest(id).then(
        (m): { m: AnyManifest } | { e: unknown } => ({ m }),
        (e: unknown) => ({ e }),
      );
      if ('m' in read) {
        const s = {
          ...summaryOf(read.m, rec?.jobId),
          ...(rec?.verified && { verified: rec.verified }),
        };
        await storage.record(id, () => s);
        out.push(s);
        continue;
      }
      // No record at all: not a run of this catalog (or a foreign copy); look, never delete.
      const job = !rec
        ? 'unknown'
        : rec.status === 'running'
          ? await this.jobState(rec.jobId)
          : 'final';
      if (job === 'live') {
        out.push(rec as BackupSummary);
        continue;
      }
      const noManifest = isKeelError(read.e) && read.e.code === 'NOT_FOUND';
      // Only leftovers of a run known to be over are removed (its job ended, or the index never
      // heard of it); a damaged manifest, or a run whose job this Keel cannot see, is kept.
      const remove = noManifest && job === 'final';
      if (remove) await storage.removeDir(id);
      const failed: BackupSummary = {
        ...(rec ?? {
          id,
          envId,
          connectionId: '-',
          store: 'mysql' as const,
          scope: { type: 'server' as const },
          startedAt: new Date().toISOString(),
        }),
        status: 'failed',
        finishedAt: rec?.finishedAt ?? new Date().toISOString(),
        error: {
          code: 'INTERNAL',
          message: noManifest
            ? `interrupted: the run stopped before its manifest was written${remove ? ' (partial files removed)' : ''}`
            : `not a complete backup: ${(read.e as Error).message}`,
        },
      };
      if (remove) await storage.record(id, () => failed);
      out.push(failed);
    }
    return out.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  /** Per connection and scope: the figures behind the backup alerts and page (status.ts). */
  async status(envId: string): Promise<BackupStatus[]> {
    return backupStatus(await this.list(envId), new Date());
  }

  /** One backup: its catalog row and, when complete, its manifest. */
  async get(
    envId: string,
    id: string,
  ): Promise<{ summary: BackupSummary; manifest?: AnyManifest }> {
    const summary = (await this.list(envId)).find((b) => b.id === id);
    if (!summary) throw new KeelError('NOT_FOUND', `no backup ${id} in ${envId}`);
    if (summary.status !== 'complete') return { summary };
    return { summary, manifest: await this.storage(envId).readManifest(id) };
  }

  /** Re-read every file of a complete backup against its manifest; the result is remembered. */
  async verify(envId: string, id: string, signal?: AbortSignal): Promise<VerifyReport> {
    // From the catalog, not the manifest: a damaged or missing manifest is reported, not thrown.
    const summary = (await this.list(envId)).find((b) => b.id === id);
    if (!summary) throw new KeelError('NOT_FOUND', `no backup ${id} in ${envId}`);
    if (summary.status !== 'complete') {
      throw new KeelError(
        'PRECONDITION_FAILED',
        `backup ${id} is ${summary.status}: only a complete backup can be verified`,
      );
    }
    const storage = this.storage(envId);
    const report = await verifyBackup(storage, id, signal);
    await storage.record(
      id,
      (old) => old && { ...old, verified: { at: report.at, ok: report.ok } },
    );
    return report;
  }

  /** Delete a backup (its files and its catalog row); `confirm` must repeat its id. */
  async delete(envId: string, id: string, confirm: string): Promise<{ deleted: string }> {
    if (confirm !== id)
      throw new KeelError('VALIDATION', `type the backup id (${id}) to confirm the deletion`);
    const summary = (await this.list(envId)).find((b) => b.id === id);
    if (!summary) throw new KeelError('NOT_FOUND', `no backup ${id} in ${envId}`);
    if (summary.status === 'running')
      throw new KeelError(
        'CONFLICT',
        `backup ${id} is running: cancel its job ${summary.jobId ?? ''} first`,
      );
    const storage = this.storage(envId);
    await storage.removeDir(id);
    await storage.record(id, () => undefined);
    return { deleted: id };
  }

  /**
   * The newest complete backup of a scope whose last verify passed, or undefined: what a purge
   * of a tenant waits for (`scope: {type: 'tenant', tenantId}`, once per connection that holds
   * the tenant's data). `after` (ISO time) asks for one that started later, e.g. after the
   * tenant was marked for deletion.
   */
  async latestVerified(
    envId: string,
    scope: BackupScope,
    filter: { connectionId?: string; after?: string } = {},
  ): Promise<BackupSummary | undefined> {
    const key = JSON.stringify(scope);
    return (await this.list(envId)).find(
      (b) =>
        b.status === 'complete' &&
        b.verified?.ok === true &&
        JSON.stringify(b.scope) === key &&
        (filter.connectionId === undefined || b.connectionId === filter.connectionId) &&
        (filter.after === undefined || Date.parse(b.startedAt) > Date.parse(filter.after)),
    );
  }

  /** The schedules the blueprint's backup policy asks for on a connection (saved by the router). */
  async schedulePlan(r: ScheduleRequest): Promise<ReturnType<typeof schedulePlan>> {
    const env = await this.o.envs.get(r.envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    return schedulePlan(env, blueprint, r);
  }

  /** Whether the job of a run without a manifest may still be writing it. */
  private async jobState(jobId: string | undefined): Promise<'live' | 'final' | 'unknown'> {
    if (!jobId || !this.jobs) return 'unknown';
    const job = await this.jobs.get(jobId).catch(() => undefined);
    if (!job) return 'unknown';
    return job.state === 'running' || job.state === 'queued' ? 'live' : 'final';
  }
}
