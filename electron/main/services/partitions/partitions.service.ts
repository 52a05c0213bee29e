import type { RowDataPacket } from 'mysql2/promise';
import type { Logger } from 'pino';
import { KeelError } from '../../../../shared/errors';
import type { Actor, JobPayload, JobRecord } from '../../../../shared/jobs';
import type {
  PartitionArchive,
  PartitionOverride,
  PartitionPolicies,
  PartitionsApplyResult,
  PartitionsArchiveResult,
  PartitionsList,
  PartitionsPlan,
  TableLayout,
  TablePlan,
} from '../../../../shared/partitions';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { RETRY, type JobContext } from '../jobs/types';
import { migrateKeelSchema } from '../shared/keel-schema';
import { AuditLog } from '../tenants/audit';
import { BlueprintLoader, type BlueprintDirs } from '../tenants/blueprints';
import { resolveTargets } from '../tenants/placement';
import { join } from 'node:path';
import { defaultCompression } from '../backups/compress';
import { applyPlans, splitPlan, type AlterTarget } from './apply';
import { archiveChecked, retirePartitions } from './retention';
import {
  countMaxvalue,
  LAYOUT_SQL,
  layoutsFromRows,
  type ExactMode,
  type LayoutRow,
} from './discovery';
import { policyOf } from './calendar';
import { checkOverride, dropMode, withOverride } from './overrides';
import { planTable } from './planner';
import { scopeOf, tenantSchemaPattern } from './scope';

/**
 * The discovery read's own time-out: information_schema.PARTITIONS opens every table's definition
 * (about 13 s for 2,000 tenant schemas on MariaDB 10.11, more on a loaded server), so the
 * connection's default operation time-out (10 s) would fail it exactly where it matters most.
 */
export const DISCOVERY_TIMEOUT_MS = 120_000;

/** What the service needs from the jobs engine, kept narrow for tests. */
export interface PartitionJobStarter {
  start<K extends 'partitions.apply' | 'partitions.archive'>(
    kind: K,
    payload: JobPayload<K> & { envId: string },
    opts: { actor: Actor },
  ): Promise<JobRecord>;
}

export interface PartitionsOptions {
  envs: Pick<EnvironmentsService, 'get' | 'setPartitionOverrides'>;
  registry: ClientRegistry;
  logger: Logger;
  jobs?: PartitionJobStarter;
  blueprintDir?: string | BlueprintDirs;
  /** The clock plans are made against (tests move it). */
  now?: () => Date;
  /** Pause between attempts of an ALTER whose lock wait ran out. */
  retryDelayMs?: number;
  /** Where partitions are archived before retention drops them (`<dir>/<env>/…`). */
  archiveDir?: string;
}

/**
 * Partition maintenance of an environment: discovery (one information_schema read per server),
 * plans (pure, see planner.ts) and the apply job. Drops past retention are planned and shown,
 * never run here: they wait for archive-before-drop through the backups engine.
 */
export class PartitionsService {
  private readonly blueprints: BlueprintLoader;
  private jobs: PartitionJobStarter | undefined;

  constructor(private readonly o: PartitionsOptions) {
    this.blueprints = new BlueprintLoader(o.blueprintDir);
    this.jobs = o.jobs;
  }

  attachJobs(jobs: PartitionJobStarter): void {
    this.jobs = jobs;
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Every partitioned table of every MySQL connection, with bounds, sizes and runway. */
  async list(
    envId: string,
    exact: ExactMode = 'none',
    signal?: AbortSignal,
  ): Promise<PartitionsList> {
    const env = await this.o.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const scope = scopeOf(env, blueprint);
    const tenants = tenantSchemaPattern(blueprint.mysql.tenantDatabase);
    const now = this.now();
    const tableNames = [...scope.policies.keys()];
    const scans = await Promise.all(
      scope.servers.map(async (server) => {
        const base = { server: server.server, connectionIds: server.connectionIds };
        if (tableNames.length === 0) return { ...base, queries: 0, tables: [] as TableLayout[] };
        try {
          const store = await this.o.registry.of('mysql', envId, server.via.id);
          const opts = { timeoutMs: DISCOVERY_TIMEOUT_MS, ...(signal && { signal }) };
          const rows = await store.query<RowDataPacket[]>(
            LAYOUT_SQL,
            [tableNames, [...server.shared.keys(), ''], tenants.like],
            opts,
          );
          const tables = layoutsFromRows(rows as LayoutRow[], server, tenants, scope.policies, now);
          const counted = await countMaxvalue(store, tables, exact, opts);
          return { ...base, queries: 1 + counted, tables };
        } catch (e) {
          if (signal?.aborted) throw e;
          const error = e instanceof Error ? e.message : String(e);
          this.o.logger.warn(
            { envId, server: server.server, err: e },
            'partition discovery failed',
          );
          return { ...base, queries: 1, tables: [] as TableLayout[], error };
        }
      }),
    );
    return {
      envId,
      at: now.toISOString(),
      tables: scans.flatMap((s) => s.tables),
      servers: scans.map(({ tables, ...s }) => ({ ...s, tables: tables.length })),
    };
  }

  /** The exact DDL maintenance would run now, per table, without running it. */
  async plan(
    envId: string,
    exact: ExactMode = 'none',
    signal?: AbortSignal,
  ): Promise<PartitionsPlan> {
    return (await this.survey(envId, exact, signal)).plan;
  }

  /** Discovery and the plan made from it (one read), and the catalog connection of the environment. */
  async survey(
    envId: string,
    exact: ExactMode = 'none',
    signal?: AbortSignal,
  ): Promise<{ list: PartitionsList; plan: PartitionsPlan; catalogId: string }> {
    const env = await this.o.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const { policies } = scopeOf(env, blueprint);
    const list = await this.list(envId, exact, signal);
    const now = new Date(list.at);
    const plan = {
      envId,
      at: list.at,
      plans: list.tables.map((t) => planTable(t, policies.get(t.table)!, now)),
      servers: list.servers,
    };
    return { list, plan, catalogId: resolveTargets(env, blueprint).catalog.id };
  }

  /** Every partitioned table's policy: the blueprint's, the environment's override, the result. */
  async policies(envId: string): Promise<PartitionPolicies> {
    const env = await this.o.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const out: PartitionPolicies = [];
    for (const db of blueprint.mysql.databases)
      for (const t of db.tables) {
        if (!t.partition) continue;
        const base = policyOf(t.partition);
        const override = env.partitionOverrides?.[t.name];
        out.push({
          database: db.name,
          table: t.name,
          blueprint: base,
          ...(override && { override }),
          effective: withOverride(base, override),
        });
      }
    return out;
  }

  /** Set (or with `null` remove) a table's override: checked, stored in the environment, audited. */
  async setOverride(
    input: { envId: string; table: string; override: PartitionOverride | null; confirm?: string },
    actor: Actor,
  ): Promise<PartitionPolicies> {
    const env = await this.o.envs.get(input.envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const change = checkOverride(
      blueprint,
      env.partitionOverrides,
      input.table,
      input.override,
      input.confirm,
    );
    const audit = await this.auditLog(input.envId);
    const entry = {
      envId: input.envId,
      actor: `${actor.type}:${actor.name}`,
      action: 'partitions.override',
      target: `${input.envId}/${input.table}`,
      before: change.before,
      after: change.after,
    };
    try {
      await this.o.envs.setPartitionOverrides(input.envId, change.overrides);
    } catch (e) {
      await audit
        .write({ ...entry, error: e instanceof Error ? e.message : String(e) })
        .catch((err: unknown) => this.o.logger.warn({ err }, 'audit entry not written'));
      throw e;
    }
    await audit.write(entry);
    return this.policies(input.envId);
  }

  /** Start `partitions.apply` (a job). The environment and blueprint are checked first. */
  async startApply(payload: JobPayload<'partitions.apply'>, actor: Actor): Promise<JobRecord> {
    const env = await this.o.envs.get(payload.envId);
    await this.blueprints.load(env.blueprint);
    if (!this.jobs) throw new KeelError('UNSUPPORTED', 'no job engine in this shell');
    return this.jobs.start('partitions.apply', payload, { actor });
  }

  /** Start `partitions.archive` (a job): refused up front where archives have nowhere to go. */
  async startArchive(payload: JobPayload<'partitions.archive'>, actor: Actor): Promise<JobRecord> {
    const env = await this.o.envs.get(payload.envId);
    await this.blueprints.load(env.blueprint);
    if (!this.o.archiveDir)
      throw new KeelError('UNSUPPORTED', 'no archive directory in this shell');
    if (!this.jobs) throw new KeelError('UNSUPPORTED', 'no job engine in this shell');
    return this.jobs.start('partitions.archive', payload, { actor });
  }

  /**
   * The `partitions.archive` job: each partition retention would drop next (or the named ones of
   * one table) exported and verified against its manifest, oldest first; nothing is dropped.
   * A partition that fails is reported with the reason and the run goes on with the others.
   */
  async archive(
    payload: JobPayload<'partitions.archive'>,
    ctx: JobContext,
  ): Promise<PartitionsArchiveResult> {
    const { envId } = payload;
    if (!this.o.archiveDir)
      throw new KeelError('UNSUPPORTED', 'no archive directory in this shell');
    const archiveRoot = join(this.o.archiveDir, envId);
    const plan = await this.plan(envId, 'none', ctx.signal);
    const only = payload.only && new Set(payload.only);
    const plans = plan.plans.filter((p) => !only || only.has(`${p.schema}.${p.table}`));
    if (payload.partitions && plans.length === 0)
      throw new KeelError(
        'NOT_FOUND',
        `${payload.only![0]} is not a partitioned table of this environment's blueprint`,
      );
    const work = plans.flatMap((p) =>
      (payload.partitions ?? p.drops).map((partition) => ({ p, partition })),
    );
    const audit = await this.auditLog(envId).catch(() => undefined);
    const actor = `${ctx.actor.type}:${ctx.actor.name}`;
    const archives: PartitionArchive[] = [];
    ctx.progress({
      done: 0,
      total: work.length,
      message: `${work.length} partition(s) to archive`,
    });
    for (const { p, partition } of work) {
      ctx.signal.throwIfAborted();
      const base = {
        connectionId: p.connectionId,
        schema: p.schema,
        table: p.table,
        ...(p.tenantId && { tenantId: p.tenantId }),
        partition,
      };
      let entry: PartitionArchive;
      try {
        const target = await this.o.registry.of('mysql', envId, p.connectionId);
        const a = await target.withConnection(
          (conn) =>
            archiveChecked(
              conn,
              p,
              partition,
              { envId, archiveRoot, compression: defaultCompression() },
              ctx,
            ),
          { signal: ctx.signal, timeoutMs: 3_600_000 },
        );
        entry =
          a === 'gone'
            ? {
                ...base,
                status: 'missing',
                reason: `${p.schema}.${p.table} has no partition ${partition}`,
              }
            : {
                ...base,
                status: 'archived',
                dir: a.dir,
                rows: a.manifest.rows,
                bytes: a.manifest.size,
                ...(a.changedRows !== undefined && {
                  reason: `written to since it was read: ${a.changedRows} rows now, ${a.manifest.rows} archived`,
                }),
              };
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        entry = { ...base, status: 'failed', reason: e instanceof Error ? e.message : String(e) };
      }
      archives.push(entry);
      ctx.log(
        entry.status === 'archived' ? 'info' : 'warn',
        `${p.schema}.${p.table} ${partition}: ${entry.status}${entry.rows !== undefined ? ` (${entry.rows} rows)` : ''}${entry.dir ? ` to ${entry.dir}` : ''}${entry.reason ? `: ${entry.reason}` : ''}`,
      );
      await audit
        ?.write({
          envId,
          actor,
          action: 'partitions.archive',
          target: `${p.connectionId}/${p.schema}.${p.table}`,
          ...(p.tenantId && { tenantId: p.tenantId }),
          after: {
            partition,
            status: entry.status,
            ...(entry.dir && { dir: entry.dir }),
            ...(entry.rows !== undefined && { rows: entry.rows }),
          },
          ...(entry.status !== 'archived' && { error: entry.reason ?? entry.status }),
        })
        .catch((err: unknown) => this.o.logger.warn({ err }, 'audit entry not written'));
      ctx.progress({
        done: archives.length,
        total: work.length,
        message: `${p.schema}.${p.table} ${partition}`,
      });
    }
    const unread = plan.servers.filter((s) => s.error).map((s) => `${s.server}: ${s.error ?? ''}`);
    if (unread.length && unread.length === plan.servers.length)
      throw new KeelError('UNAVAILABLE', `no server could be read: ${unread.join('; ')}`);
    return {
      archives,
      archived: archives.filter((a) => a.status === 'archived').length,
      failed: archives.filter((a) => a.status !== 'archived').length,
      unread,
    };
  }

  /**
   * The `partitions.apply` job: apply, and when tables gave up waiting for their metadata lock
   * (a long transaction), fail this attempt with a retriable error so the engine runs it again
   * later with back-off (the next attempt plans only what is still missing); the last attempt
   * returns its report with those tables failed.
   */
  async maintain(
    payload: JobPayload<'partitions.apply'>,
    ctx: JobContext,
  ): Promise<PartitionsApplyResult> {
    const result = await this.apply(payload, ctx);
    const waited = result.tables.filter((t) => t.lockWait);
    if (waited.length && ctx.attempt < RETRY.attempts) {
      const names = waited.map((t) => `${t.schema}.${t.table}`);
      throw new KeelError(
        'TIMEOUT',
        `${names.length} table(s) waited out their metadata-lock bound (an open transaction holds them): ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}; retried later`,
        { tables: names, applied: result.applied },
      );
    }
    return result;
  }

  /** The job's body: plan (MAXVALUE rows counted where the estimate says any), then apply. */
  async apply(
    payload: JobPayload<'partitions.apply'>,
    ctx: JobContext,
  ): Promise<PartitionsApplyResult> {
    const { envId } = payload;
    const env = await this.o.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const { policies } = scopeOf(env, blueprint);
    const plan = await this.plan(envId, 'nonzero', ctx.signal);
    const broken = plan.servers.filter((s) => s.error);
    for (const s of broken) ctx.log('error', `${s.server}: not read: ${s.error}`);
    const only = payload.only && new Set(payload.only);
    const split = new Set(payload.split ?? []);
    const plans = plan.plans
      .filter((p) => !only || only.has(`${p.schema}.${p.table}`))
      .map((p) => {
        if (!split.has(`${p.schema}.${p.table}`)) return p;
        const s = splitPlan(p, policies.get(p.table)!.expression);
        if (s)
          ctx.log(
            'warn',
            `${p.schema}.${p.table}: splitting ${p.maxvalue} as asked: copies ${p.costRows} row(s)`,
          );
        return s ?? p;
      });
    const audit = await this.auditLog(envId).catch((e: unknown) => {
      ctx.log(
        'warn',
        `the audit log is not available: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    });
    const actor = `${ctx.actor.type}:${ctx.actor.name}`;
    const retention = {
      envId,
      ...(this.o.archiveDir && { archiveRoot: join(this.o.archiveDir, envId) }),
      compression: defaultCompression(),
      lockWaitSec: payload.lockWaitSec,
      attempts: payload.attempts,
      retryDelayMs: this.o.retryDelayMs ?? 1000,
    };
    const retire = async (target: AlterTarget, p: TablePlan) => {
      const mode = dropMode(policies.get(p.table)!, env.partitionOverrides?.[p.table]);
      const r = await retirePartitions(target, p, { ...retention, mode }, ctx);
      if (r.dropped.length || r.archives.length || r.error)
        await audit
          ?.write({
            envId,
            actor,
            action: 'partitions.drop',
            target: `${p.connectionId}/${p.schema}.${p.table}`,
            ...(p.tenantId && { tenantId: p.tenantId }),
            before: { partitions: p.basis, drops: p.drops, mode },
            after: { dropped: r.dropped, archives: r.archives },
            ...(r.error && { error: r.error }),
          })
          .catch((e: unknown) => this.o.logger.warn({ err: e }, 'audit entry not written'));
      return r;
    };
    const result = await applyPlans(
      plans,
      {
        target: (id) => this.o.registry.of('mysql', envId, id),
        retire,
        ...(audit && {
          audit: (p, outcome) =>
            audit
              .write({
                envId,
                actor,
                action: 'partitions.add',
                target: `${p.connectionId}/${p.schema}.${p.table}`,
                ...(p.tenantId && { tenantId: p.tenantId }),
                before: { partitions: p.basis },
                after: { added: outcome.added, status: outcome.status },
                ...(outcome.status !== 'applied' && { error: outcome.reason ?? outcome.status }),
              })
              .catch((e: unknown) => this.o.logger.warn({ err: e }, 'audit entry not written')),
        }),
      },
      {
        lockWaitSec: payload.lockWaitSec,
        attempts: payload.attempts,
        retryDelayMs: this.o.retryDelayMs ?? 1000,
      },
      ctx,
    );
    const unread = broken.map((s) => `${s.server}: ${s.error ?? ''}`);
    if (unread.length && plan.servers.length === unread.length)
      throw new KeelError('UNAVAILABLE', `no server could be read: ${unread.join('; ')}`);
    return { ...result, unread };
  }

  private async auditLog(envId: string): Promise<AuditLog> {
    const env = await this.o.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const core = await this.o.registry.of(
      'mysql',
      envId,
      resolveTargets(env, blueprint).catalog.id,
    );
    await migrateKeelSchema(core);
    return new AuditLog(core);
  }
}
