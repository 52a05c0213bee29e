import type { Logger } from 'pino';
import { KeelError } from '../../../../shared/errors';
import type { Actor, JobPayload, JobRecord } from '../../../../shared/jobs';
import type {
  Dimension,
  Override,
  PlanPreview,
  QuotaList,
  QuotaRow,
  TenantUsage,
  TenantUsageDetail,
  UsageHistory,
  Utilisation,
} from '../../../../shared/quotas';
import type { TenantSummary } from '../../../../shared/tenants';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import type { JobContext } from '../jobs/types';
import { BlueprintLoader } from '../tenants/blueprints';
import { QuotaAlertFeed } from './alert-feed';
import { quotaCtx, type BlueprintDirs, type QuotaCtx } from './context';
import { flaggedOf, reconcileFlags, type Reconciled } from './enforcement';
import { highestOf, utilisation } from './evaluate';
import { readHistory, writeHistory } from './history';
import { USAGE_TABLE } from './meter-mysql';
import {
  calendarOf,
  DEFAULT_METER_SETTINGS,
  meteredTenants,
  meterPass,
  type MeterSettings,
} from './metering';
import {
  changeOverride,
  changePlan,
  planPreviewOf,
  type OverrideChange,
  type PlanChange,
  type Reevaluate,
} from './limit-changes';
import { planLimits, requireChangeable } from './plan';
import { writeQuotaRecord } from './records';
import { writeDailyRows } from './usage-store';

export interface QuotaJobStarter {
  start<K extends 'usage.scan'>(
    kind: K,
    payload: JobPayload<K>,
    opts: { actor: Actor },
  ): Promise<JobRecord>;
}

export interface QuotasOptions {
  envs: Pick<EnvironmentsService, 'get'>;
  registry: ClientRegistry;
  bus: EventBus;
  logger: Logger;
  blueprintDir?: string | BlueprintDirs;
  /** How often the alert feed republishes the last ratios (the monitoring interval). */
  intervalMs: () => number;
  settings?: Partial<MeterSettings>;
}

export interface ScanResult {
  tenants: number;
  durationMs: number;
  partial: boolean;
  flagsSet: number;
  flagsCleared: number;
  historyPoints: number;
  errors: string[];
}

const actorName = (a: Actor): string => `${a.type}:${a.name}`;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Quotas and usage: metering passes (the `usage.scan` job), utilisation against plans and
 * overrides, enforcement flags, plan changes with a preview, and the usage history.
 */
export class QuotasService implements Disposable {
  private readonly blueprints: BlueprintLoader;
  private readonly ready = new Map<string, Promise<void>>();
  private readonly feed: QuotaAlertFeed;
  private readonly settings: MeterSettings;
  private jobs: QuotaJobStarter | undefined;

  constructor(private readonly o: QuotasOptions) {
    this.blueprints = new BlueprintLoader(o.blueprintDir);
    this.feed = new QuotaAlertFeed(o.bus, o.intervalMs);
    this.settings = { ...DEFAULT_METER_SETTINGS, ...o.settings };
  }

  attachJobs(jobs: QuotaJobStarter): void {
    this.jobs = jobs;
  }

  dispose(): void {
    this.feed.dispose();
  }

  private ctx(envId: string): Promise<QuotaCtx> {
    return quotaCtx(this.o.envs, this.o.registry, this.blueprints, this.ready, envId);
  }

  /** Whether the environment has a tenant catalog to meter (false, not an error, when not). */
  async hasCatalog(envId: string): Promise<boolean> {
    try {
      await this.ctx(envId);
      return true;
    } catch (e) {
      if (e instanceof KeelError && e.code === 'PRECONDITION_FAILED') return false;
      throw e;
    }
  }

  async startScan(envId: string, actor: Actor): Promise<JobRecord> {
    if (!this.jobs) throw new KeelError('UNSUPPORTED', 'no job engine in this shell');
    await this.ctx(envId); // refuse now (no catalog, unknown environment) rather than in the job
    return this.jobs.start('usage.scan', { envId }, { actor });
  }

  /** The job body: one metering pass, then utilisation, flags, history and daily rows. */
  async scan(
    envId: string,
    job: Pick<JobContext, 'signal' | 'progress' | 'log' | 'actor'>,
  ): Promise<ScanResult> {
    const c = await this.ctx(envId);
    const b = c.targets.blueprint;
    const tenants = meteredTenants(await c.catalog.list());
    job.progress({ done: 0, total: 4, message: `metering ${tenants.length} tenants` });
    const at = new Date();
    const { usage, info, tallies } = await meterPass(
      c.targets,
      c.stores,
      tenants,
      at,
      this.settings,
      job.signal,
    );
    const errors = info.costs
      .filter((x) => x.error)
      .map((x) => `${x.store} ${x.connectionId}: ${x.error}`);
    for (const e of errors) job.log('warn', e);
    job.progress({ done: 1, total: 4, message: 'evaluating quotas' });
    const byId = new Map(usage.map((u) => [u.tenantId, u]));
    const overrides = await c.usage.overrides();
    const rows = tenants.map((t) => ({
      tenantId: t.id,
      util: utilisation(byId.get(t.id) ?? null, planLimits(b, t), overrides.get(t.id) ?? []),
    }));
    await c.usage.saveLatest(at, usage, info);
    job.progress({ done: 2, total: 4, message: 'enforcement flags' });
    const rec = await reconcileFlags(c.enforcement, rows, actorName(job.actor), 'usage pass', true);
    if (rec.error) errors.push(rec.error);
    this.feedRows(envId, c, rows);
    job.progress({ done: 3, total: 4, message: 'history' });
    let historyPoints = 0;
    if (c.targets.influx) {
      try {
        const influx = await c.stores.influx(c.targets.influx.id);
        await influx.ensureDatabase(b.influx.database, b.influx.retentionDays * 86_400, {
          signal: job.signal,
        });
        historyPoints = await writeHistory(influx, b.influx.database, envId, at, rows, job.signal);
      } catch (e) {
        errors.push(`usage history not written to InfluxDB: ${message(e)}`);
      }
    }
    const usageDb = b.mysql.databases.find((d) => d.tables.some((x) => x.name === USAGE_TABLE));
    if (usageDb) {
      try {
        const conn = c.targets.business.get(usageDb.name) ?? c.targets.catalog;
        await writeDailyRows(
          await c.stores.mysql(conn.id),
          usageDb.name,
          envId,
          calendarOf(at).day,
          usage.map((u) => ({
            tenantId: u.tenantId,
            apiCalls: tallies.get(u.tenantId)?.apiCallsToday?.value ?? 0,
            storageMb: u.storageMb.value,
          })),
        );
      } catch (e) {
        errors.push(`daily usage_stats rows not written: ${message(e)}`);
      }
    }
    this.o.bus.publish('quotas.changed', { envId });
    job.progress({ done: 4, total: 4, message: 'done' });
    return {
      tenants: tenants.length,
      durationMs: info.durationMs,
      partial: info.partial,
      flagsSet: rec.set.length,
      flagsCleared: rec.cleared.length,
      historyPoints,
      errors,
    };
  }

  async list(envId: string): Promise<QuotaList> {
    const c = await this.ctx(envId);
    const [tenants, latest, overrides, flags, pass] = await Promise.all([
      c.catalog.list(),
      c.usage.latest(),
      c.usage.overrides(),
      c.usage.flags(),
      c.usage.pass(),
    ]);
    const rows = tenants
      .filter((t) => t.status !== 'purged')
      .map((t) =>
        this.row(c, t, latest.get(t.id), overrides.get(t.id) ?? [], flaggedOf(flags, t.id)),
      );
    return { envId, pass, rows };
  }

  async show(envId: string, tenantId: string): Promise<TenantUsageDetail> {
    const c = await this.ctx(envId);
    const t = await c.catalog.get(tenantId);
    const [latest, overrides, flags] = await Promise.all([
      c.usage.latest(tenantId),
      c.usage.overrides(tenantId),
      c.usage.flags(tenantId),
    ]);
    const o = overrides.get(tenantId) ?? [];
    const l = latest.get(tenantId);
    return {
      row: this.row(c, t, l, o, flaggedOf(flags, tenantId)),
      usage: l?.usage ?? null,
      overrides: o,
    };
  }

  private row(
    c: QuotaCtx,
    t: TenantSummary,
    l: { at: string; usage: TenantUsage } | undefined,
    overrides: Override[],
    flags: Dimension[],
  ): QuotaRow {
    const util = utilisation(l?.usage ?? null, planLimits(c.targets.blueprint, t), overrides);
    return {
      tenantId: t.id,
      name: t.name,
      plan: t.plan,
      status: t.status,
      dimensions: util,
      highest: highestOf(util),
      flags,
      measuredAt: l?.at ?? null,
    };
  }

  async setOverride(
    input: {
      envId: string;
      tenantId: string;
      dimension: Dimension;
      limit: number | null;
      reason: string;
    },
    actor: Actor,
  ): Promise<TenantUsageDetail & { enforcement: Reconciled }> {
    return this.changeOverride(input, actor, 'set');
  }

  async clearOverride(
    input: { envId: string; tenantId: string; dimension: Dimension; reason: string },
    actor: Actor,
  ): Promise<TenantUsageDetail & { enforcement: Reconciled }> {
    return this.changeOverride({ ...input, limit: null }, actor, 'clear');
  }

  private async changeOverride(
    input: OverrideChange,
    actor: Actor,
    op: 'set' | 'clear',
  ): Promise<TenantUsageDetail & { enforcement: Reconciled }> {
    const c = await this.ctx(input.envId);
    const enforcement = await changeOverride(c, input, actorName(actor), op, this.reevaluate);
    return { ...(await this.show(input.envId, input.tenantId)), enforcement };
  }

  async previewPlan(envId: string, tenantId: string, plan: string): Promise<PlanPreview> {
    const c = await this.ctx(envId);
    const t = await c.catalog.get(tenantId);
    requireChangeable(t);
    return planPreviewOf(c, t, plan);
  }

  async changePlan(
    input: PlanChange,
    actor: Actor,
  ): Promise<{ tenant: TenantSummary; preview: PlanPreview; enforcement: Reconciled }> {
    const c = await this.ctx(input.envId);
    const out = await changePlan(c, input, actorName(actor), this.reevaluate);
    this.o.bus.publish('tenants.changed', { envId: input.envId, tenantId: input.tenantId });
    return out;
  }

  /** After a limit changed: the quota record, the tenant's flags and its alert series, now. */
  private readonly reevaluate: Reevaluate = async (c, t, actor, reason) => {
    const [latest, overrides] = await Promise.all([c.usage.latest(t.id), c.usage.overrides(t.id)]);
    const o = overrides.get(t.id) ?? [];
    const util = utilisation(
      latest.get(t.id)?.usage ?? null,
      planLimits(c.targets.blueprint, t),
      o,
    );
    if (c.enforcement.redis) {
      const eff = Object.fromEntries(util.map((u) => [u.dimension, u.limit])) as Record<
        Dimension,
        number | null
      >;
      await writeQuotaRecord(c.enforcement.redis.store, c.enforcement.redis.db, t.id, t.plan, eff);
    }
    const rec = await reconcileFlags(
      c.enforcement,
      [{ tenantId: t.id, util }],
      actor,
      reason,
      false,
    );
    this.feedRows(c.env.id, c, [{ tenantId: t.id, util }]);
    this.o.bus.publish('quotas.changed', { envId: c.env.id, tenantId: t.id });
    return rec;
  };

  private feedRows(
    envId: string,
    c: QuotaCtx,
    rows: Array<{ tenantId: string; util: readonly Utilisation[] }>,
  ): void {
    this.feed.update(
      envId,
      c.targets.catalog.id,
      rows.flatMap((r) =>
        r.util.map((u) => ({ tenantId: r.tenantId, dimension: u.dimension, ratio: u.ratio })),
      ),
    );
  }

  async history(
    envId: string,
    tenantId: string | undefined,
    days: number,
    signal: AbortSignal,
  ): Promise<UsageHistory> {
    const c = await this.ctx(envId);
    if (tenantId) await c.catalog.get(tenantId);
    const base = { envId, tenantId: tenantId ?? null, days };
    if (!c.targets.influx) {
      return {
        ...base,
        unavailable: 'no InfluxDB connection: usage history is not kept',
        points: [],
      };
    }
    const influx = await c.stores.influx(c.targets.influx.id);
    const points = await readHistory(
      influx,
      c.targets.blueprint.influx.database,
      envId,
      tenantId,
      days,
      signal,
    );
    return { ...base, points };
  }
}
