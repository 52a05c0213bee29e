import type { TenantSpec } from '../../../../shared/tenants';
import type { MysqlStore } from '../../stores/mysql.store';
import { sqlTime, type JournalEntry } from './catalog';

/** One write to the provisioning journal, as `Journal` queues it. */
export type JournalWrite =
  | { op: 'start'; spec: TenantSpec; jobId: string | null }
  | { op: 'intend'; tenantId: string; entries: JournalEntry[] }
  | { op: 'settle'; tenantId: string; keys: string[] }
  | { op: 'forget'; tenantId: string; key: string }
  | { op: 'finish'; tenantId: string }
  | { op: 'fail'; tenantId: string; error: string };

type Of<K extends JournalWrite['op']> = Extract<JournalWrite, { op: K }>;

/**
 * Writes queued together (by tenants provisioned side by side), one statement per kind, one kind
 * after the other. They are never concurrent with each other: batched statements over many
 * tenants' rows (a DELETE takes gap locks) deadlock InnoDB when two run at once, which one in
 * 100 tenants of a bulk list did. A tenant has one write in flight at most, so their order
 * within a batch does not matter.
 */
export async function writeJournal(
  store: MysqlStore,
  t: (name: string) => string,
  all: JournalWrite[],
): Promise<void> {
  const of = <K extends JournalWrite['op']>(op: K): Array<Of<K>> =>
    all.filter((w): w is Of<K> => w.op === op);
  const now = sqlTime();
  const starts = of('start');
  if (starts.length > 0) {
    await store.query(
      `INSERT INTO ${t('tenant_provisioning')} (tenant_id, spec, state, job_id, error, started_at, updated_at) VALUES ? ON DUPLICATE KEY UPDATE state = 'running', job_id = VALUES(job_id), error = NULL, updated_at = VALUES(updated_at)`,
      [starts.map((w) => [w.spec.id, JSON.stringify(w.spec), 'running', w.jobId, null, now, now])],
    );
  }
  const intents = of('intend').flatMap((w) =>
    w.entries.map((e) => [w.tenantId, e.key, e.seq, 'creating', JSON.stringify(e.undo), now]),
  );
  if (intents.length > 0) {
    await store.query(
      `INSERT INTO ${t('tenant_provision_step')} (tenant_id, step_key, seq, state, undo_action, at) VALUES ? ON DUPLICATE KEY UPDATE at = VALUES(at)`,
      [intents],
    );
  }
  const settled = of('settle').flatMap((w) => w.keys.map((k) => [w.tenantId, k]));
  if (settled.length > 0) {
    await store.query(
      `UPDATE ${t('tenant_provision_step')} SET state = 'created' WHERE (tenant_id, step_key) IN (?)`,
      [settled],
    );
  }
  const forgotten = of('forget').map((w) => [w.tenantId, w.key]);
  if (forgotten.length > 0) {
    await store.query(
      `DELETE FROM ${t('tenant_provision_step')} WHERE (tenant_id, step_key) IN (?)`,
      [forgotten],
    );
  }
  const finished = of('finish').map((w) => w.tenantId);
  if (finished.length > 0) {
    // Steps first: a crash between the two leaves a run with no steps, never steps with no run.
    await store.query(`DELETE FROM ${t('tenant_provision_step')} WHERE tenant_id IN (?)`, [
      finished,
    ]);
    await store.query(`DELETE FROM ${t('tenant_provisioning')} WHERE tenant_id IN (?)`, [finished]);
  }
  for (const w of of('fail')) {
    await store.query(
      `UPDATE ${t('tenant_provisioning')} SET state = 'failed', error = ?, updated_at = ? WHERE tenant_id = ?`,
      [w.error.slice(0, 4000), now, w.tenantId],
    );
  }
}
