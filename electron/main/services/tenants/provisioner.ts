import { setMaxListeners } from 'node:events';
import { isKeelError, KeelError } from '../../../../shared/errors';
import type { BulkRowResult, TenantSpec } from '../../../../shared/tenants';
import type { JobContext } from '../jobs/types';
import { audited } from './audit';
import { check } from './checks';
import { actorName, message, stepsOf, TenantContexts, type Ctx, type TenantDeps } from './context';
import { Platform } from './platform';
import { purgeTenant } from './purge';
import type { Step } from './steps';
import { Undoer } from './undo';

/** Test-only seam: called before each provisioning step (fault injection, slow steps). */
export type StepHook = (key: string, tenantId: string) => Promise<void> | void;

export interface ProvisionerOptions extends TenantDeps {
  beforeStep?: StepHook;
  /** How long a rollback waits for a store that is briefly away before it gives up. */
  undoPatienceMs?: number;
}

type ProvisionJob = Pick<JobContext, 'signal' | 'progress' | 'log' | 'actor'> & { id?: string };
type Log = JobContext['log'];

/**
 * The job side of the tenants domain: the bodies of `blueprint.apply`, `tenants.provision`,
 * `tenants.bulkProvision`, `tenants.rollback` and `tenants.purge`. It starts no job, so it runs
 * the same in main, on a job thread and in a test.
 */
export class TenantProvisioner {
  private readonly contexts: TenantContexts;

  constructor(private readonly o: ProvisionerOptions) {
    this.contexts = new TenantContexts(o);
  }

  /** Tell every console a tenant changed (after work done elsewhere, e.g. on a job thread). */
  changed(envId: string, tenantId?: string): void {
    this.o.bus.publish('tenants.changed', { envId, ...(tenantId && { tenantId }) });
  }

  /** `blueprint.apply`: catalog, shared databases and tables, platform collections, metrics database. */
  async apply(envId: string, job: JobContext): Promise<{ created: number; existed: number }> {
    const c = await this.contexts.ctx(envId);
    const b = c.targets.blueprint;
    return audited(
      this.sink(c),
      {
        envId,
        actor: actorName(job.actor),
        action: 'blueprint.apply',
        target: `${b.name} v${b.version}`,
      },
      async () => {
        const r = await new Platform(c.targets, c.stores, c.catalog).apply(job);
        return { value: r, after: r };
      },
    );
  }

  /** `tenants.provision`: every step, journaled; on failure or cancel everything it created is undone. */
  async provision(
    envId: string,
    spec: TenantSpec,
    job: ProvisionJob,
  ): Promise<{ tenantId: string; created: number; existed: number }> {
    return this.provisionIn(await this.contexts.applied(envId), spec, job);
  }

  /** `tenants.bulkProvision`: tenants side by side; each one all-or-nothing; a result per row. */
  async bulk(
    envId: string,
    specs: TenantSpec[],
    job: JobContext,
  ): Promise<{ rows: BulkRowResult[]; ok: number; failed: number }> {
    const c = await this.contexts.applied(envId);
    const rows: BulkRowResult[] = new Array(specs.length);
    let next = 0;
    let finished = 0;
    const lanes = Math.min(8, specs.length);
    job.progress({ done: 0, total: specs.length, message: 'provisioning' });
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < specs.length && !job.signal.aborted) {
          const i = next++;
          const spec = specs[i] as TenantSpec;
          try {
            await this.provisionIn(c, spec, { ...job, progress: () => undefined });
            rows[i] = { row: i + 1, id: spec.id, ok: true };
          } catch (e) {
            rows[i] = { row: i + 1, id: spec.id, ok: false, error: message(e) };
            job.log('warn', `row ${i + 1} (${spec.id}): ${message(e)}`);
          }
          finished++;
          job.progress({ done: finished, total: specs.length, message: spec.id });
        }
      }),
    );
    job.signal.throwIfAborted();
    const list = rows.filter(Boolean);
    const ok = list.filter((r) => r.ok).length;
    return { rows: list, ok, failed: list.length - ok };
  }

  /** `tenants.rollback`: undo an interrupted provisioning. */
  async rollback(envId: string, tenantId: string, job: JobContext): Promise<{ removed: number }> {
    const c = await this.contexts.applied(envId);
    return audited(
      this.sink(c),
      { envId, actor: actorName(job.actor), action: 'tenant.rollback', target: tenantId, tenantId },
      async () => {
        const removed = await this.undoAll(c, tenantId, job.log);
        return { value: { removed }, after: { removed } };
      },
    );
  }

  /** `tenants.purge`: delete the tenant's data and access in every store; the catalog keeps a `purged` row. */
  async purge(
    envId: string,
    tenantId: string,
    reason: string,
    job: JobContext,
  ): Promise<{ removed: number }> {
    return purgeTenant(await this.contexts.applied(envId), this.o, tenantId, reason, job);
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private sink(c: Ctx): Parameters<typeof audited>[0] {
    return { audit: c.audit, bus: this.o.bus, logger: this.o.logger };
  }

  /** One tenant in a context already resolved (bulk lists resolve it once, not per row). */
  private async provisionIn(
    c: Ctx,
    spec: TenantSpec,
    job: ProvisionJob,
  ): Promise<{ tenantId: string; created: number; existed: number }> {
    await check(c, spec, {
      allowExisting: true,
      jobs: this.o.jobs,
      ...(job.id && { jobId: job.id }),
    });
    // One signal per tenant: its steps' store calls each listen to it (bulk runs many at once).
    const ctl = new AbortController();
    setMaxListeners(64, ctl.signal);
    const onAbort = (): void => ctl.abort(job.signal.reason);
    if (job.signal.aborted) onAbort();
    else job.signal.addEventListener('abort', onAbort, { once: true });
    const run = { ...job, signal: ctl.signal };
    try {
      const r = await audited(
        this.sink(c),
        {
          envId: c.env.id,
          actor: actorName(job.actor),
          action: 'tenant.provision',
          target: spec.id,
          tenantId: spec.id,
        },
        async () => {
          const made = await this.runSteps(c, spec, run);
          return { value: made, after: { spec, ...made } };
        },
        { recover: (e) => this.undoFailed(c, spec, run, e), failed: () => ({ after: spec }) },
      );
      // Outside the undo's reach: a tenant that is all there is never rolled back for its journal.
      await c.journal.finish(spec.id);
      return { tenantId: spec.id, ...r };
    } finally {
      job.signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Every step: first a look at all of them and one journal entry for each that is missing (so
   * only what this run, or the interrupted run it resumes, creates is ever undone), then the
   * groups in order, each settled before the next starts.
   */
  private async runSteps(
    c: Ctx,
    spec: TenantSpec,
    job: ProvisionJob,
  ): Promise<{ created: number; existed: number }> {
    const steps = stepsOf(c, spec, job.actor);
    const journal = await c.journal.begin(spec, job.id ?? null);
    const known = new Set(journal.map((e) => e.key));
    const seq0 = journal.reduce((m, e) => Math.max(m, e.seq), 0);
    let created = 0;
    let existed = 0;
    let done = 0;
    job.progress({ done, total: steps.length, message: 'starting' });
    job.signal.throwIfAborted();
    // Look before touching: one look at every object, side by side, before any is made.
    const existing = await Promise.all(steps.map((s) => s.exists(job.signal)));
    const seen = new Map(steps.map((s, i) => [s, existing[i] === true]));
    const fresh = steps.filter((s) => !known.has(s.key) && !seen.get(s));
    await c.journal.intend(
      spec.id,
      fresh.map((s, i) => ({ key: s.key, seq: seq0 + i + 1, state: 'creating', undo: s.undo })),
    );
    for (const group of groupSteps(steps)) {
      job.signal.throwIfAborted();
      const madeNow: string[] = [];
      // Every step of the group settles before the next move: a rollback must not race a
      // step still creating its object.
      const results = await Promise.allSettled(
        group.map(async (s) => {
          await this.o.beforeStep?.(s.key, spec.id);
          job.signal.throwIfAborted();
          const had = seen.get(s) === true;
          await s.apply(job.signal, had);
          if (had) {
            existed++;
          } else {
            madeNow.push(s.key);
            created++;
          }
          done++;
          job.progress({ done, total: steps.length, message: s.view.action });
        }),
      );
      await c.journal.settle(spec.id, madeNow);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return { created, existed };
  }

  /** After a failed or cancelled provisioning: undo what it created; the error to report. */
  private async undoFailed(
    c: Ctx,
    spec: TenantSpec,
    job: ProvisionJob,
    e: unknown,
  ): Promise<unknown> {
    const why = job.signal.aborted ? 'cancelled' : 'failed';
    job.log('error', `provisioning ${why}: ${message(e)}; undoing what it created`);
    const undone = await this.undoAll(c, spec.id, job.log).catch((u: unknown) => {
      throw new KeelError(
        'SERVER_ERROR',
        `provisioning of ${spec.id} ${why} (${message(e)}) and its rollback did not finish (${message(u)}): roll it back from the interrupted list when the store is back`,
      );
    });
    if (job.signal.aborted) return e;
    return new KeelError(
      isKeelError(e) ? e.code : 'SERVER_ERROR',
      `provisioning of ${spec.id} failed: ${message(e)}. It was rolled back: ${undone} object(s) removed, nothing of the tenant remains.`,
      isKeelError(e) ? e.details : undefined,
    );
  }

  /** Undo every journaled step of a tenant, newest first; the journal goes when all are undone. */
  private async undoAll(c: Ctx, tenantId: string, log: Log): Promise<number> {
    const undo = new Undoer(c.stores, c.catalog);
    const entries = (await c.journal.entries(tenantId)).reverse();
    const deadline = Date.now() + (this.o.undoPatienceMs ?? 30_000);
    let removed = 0;
    try {
      for (const e of entries) {
        // Undo never listens to the job's signal: a cancel must still leave nothing behind.
        await undo.runPatiently(e.undo, deadline);
        await c.journal.forgetStep(tenantId, e.key);
        log('info', `undone: ${Undoer.describe(e.undo)}`);
        removed++;
      }
    } catch (u) {
      await c.journal
        .markFailed(tenantId, `rollback stopped: ${message(u)}`)
        .catch(() => undefined);
      throw u;
    }
    await c.journal.finish(tenantId);
    this.o.bus.publish('tenants.changed', { envId: c.env.id, tenantId });
    return removed;
  }
}

/** Steps run group by group (a store at a time); steps of one group run side by side. */
function groupSteps(steps: Step[]): Step[][] {
  const out: Step[][] = [];
  for (const s of steps) {
    const last = out.at(-1);
    if (last && last[0]?.group === s.group) last.push(s);
    else out.push([s]);
  }
  return out;
}
