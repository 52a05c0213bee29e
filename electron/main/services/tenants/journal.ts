import type { Interrupted, TenantSpec } from '../../../../shared/tenants';
import { Coalescer } from '../../lib/coalescer';
import type { MysqlStore } from '../../stores/mysql.store';
import { iso, json, type JournalEntry, type Row, type UndoAction } from './catalog';
import { qualified } from './ddl';
import { writeJournal, type JournalWrite } from './journal-writes';

/**
 * The provisioning journal in the catalog database: one row per provisioning under way
 * (`tenant_provisioning`) and one per step it intends or made (`tenant_provision_step`), written
 * before a step touches anything, so a failure, a cancel or a crash can be undone.
 */
export class Journal {
  constructor(
    readonly store: MysqlStore,
    readonly database: string,
  ) {}

  readonly t = (name: string): string => qualified(this.database, name);

  // Writes of tenants provisioned side by side (a bulk list) go together, one batch at a time.
  private readonly writes = new Coalescer<JournalWrite, void>(async (all) => {
    await writeJournal(this.store, this.t, all);
    return [];
  });

  /** Start (or take over) the provisioning of a tenant; returns the journal so far. */
  async begin(spec: TenantSpec, jobId: string | null): Promise<JournalEntry[]> {
    // Side by side: the run's row and the steps journaled so far are separate tables.
    const [, entries] = await Promise.all([
      this.writes.run({ op: 'start', spec, jobId }),
      this.entries(spec.id),
    ]);
    return entries;
  }

  async entries(tenantId: string): Promise<JournalEntry[]> {
    const rows = await this.store.query<Row[]>(
      `SELECT step_key, seq, state, undo_action FROM ${this.t('tenant_provision_step')} WHERE tenant_id = ? ORDER BY seq`,
      [tenantId],
    );
    return rows.map((r) => ({
      key: String(r.step_key),
      seq: Number(r.seq),
      state: r.state as JournalEntry['state'],
      undo: json<UndoAction>(r.undo_action),
    }));
  }

  /** Record steps about to run (`creating`), before they touch anything. */
  async intend(tenantId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.writes.run({ op: 'intend', tenantId, entries });
  }

  /** Steps that created their object: they stay journaled (`created`) for undo. */
  async settle(tenantId: string, created: string[]): Promise<void> {
    if (created.length === 0) return;
    await this.writes.run({ op: 'settle', tenantId, keys: created });
  }

  async forgetStep(tenantId: string, key: string): Promise<void> {
    await this.writes.run({ op: 'forget', tenantId, key });
  }

  /** Provisioning finished or undone: the journal goes (a later failure must not undo a live tenant). */
  async finish(tenantId: string): Promise<void> {
    await this.writes.run({ op: 'finish', tenantId });
  }

  /** A rollback that could not finish: keep the journal, say why. */
  async markFailed(tenantId: string, error: string): Promise<void> {
    await this.writes.run({ op: 'fail', tenantId, error });
  }

  /** Provisionings under way or stopped; `stepsDone` counts the steps known to have made their object. */
  async provisioning(): Promise<Array<Omit<Interrupted, 'stepsDone'> & { stepsDone: number }>> {
    const rows = await this.store.query<Row[]>(
      `SELECT p.*, (SELECT COUNT(*) FROM ${this.t('tenant_provision_step')} s WHERE s.tenant_id = p.tenant_id AND s.state = 'created') AS steps FROM ${this.t('tenant_provisioning')} p ORDER BY p.started_at`,
    );
    return rows.map((r) => ({
      tenantId: String(r.tenant_id),
      spec: json<unknown>(r.spec),
      state: r.state === 'failed' ? 'failed' : 'running',
      stepsDone: Number(r.steps),
      startedAt: iso(r.started_at),
      updatedAt: iso(r.updated_at),
      jobId: (r.job_id as string | null) ?? null,
      error: (r.error as string | null) ?? null,
    }));
  }

  async provisioningOf(
    tenantId: string,
  ): Promise<{ spec: unknown; jobId: string | null } | undefined> {
    const rows = await this.store.query<Row[]>(
      `SELECT spec, job_id FROM ${this.t('tenant_provisioning')} WHERE tenant_id = ?`,
      [tenantId],
    );
    const r = rows[0];
    return r
      ? { spec: json<unknown>(r.spec), jobId: (r.job_id as string | null) ?? null }
      : undefined;
  }
}
