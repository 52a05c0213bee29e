import type { RowDataPacket } from 'mysql2/promise';
import type { AuditEntry } from '../../../../shared/tenants';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';
import { sqlTime } from './catalog';

export interface AuditWrite {
  envId: string;
  actor: string;
  action: string;
  target: string;
  tenantId?: string;
  before?: unknown;
  after?: unknown;
  /** Set when the change failed. */
  error?: string;
}

type Row = RowDataPacket & Record<string, unknown>;
const parse = (v: unknown): unknown =>
  typeof v === 'string' ? (JSON.parse(v) as unknown) : (v ?? null);

/** Who changed what, when, from what to what, and whether it worked — in the shared `keel` schema. */
export class AuditLog {
  constructor(private readonly core: MysqlStore) {}

  async write(w: AuditWrite): Promise<void> {
    await this.core.query(
      `INSERT INTO ${table('keel_audit')} (at, env_id, actor, action, target, tenant_id, before_state, after_state, result, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        sqlTime(),
        w.envId,
        w.actor.slice(0, 160),
        w.action,
        w.target.slice(0, 200),
        w.tenantId ?? null,
        w.before === undefined ? null : JSON.stringify(w.before),
        w.after === undefined ? null : JSON.stringify(w.after),
        w.error ? 'failed' : 'ok',
        w.error ?? null,
      ],
    );
  }

  async list(envId: string, tenantId: string | undefined, limit: number): Promise<AuditEntry[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT * FROM ${table('keel_audit')} WHERE env_id = ?${tenantId ? ' AND tenant_id = ?' : ''} ORDER BY id DESC LIMIT ?`,
      tenantId ? [envId, tenantId, limit] : [envId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(`${String(r.at).replace(' ', 'T')}Z`).toISOString(),
      actor: String(r.actor),
      action: String(r.action),
      target: String(r.target),
      before: parse(r.before_state),
      after: parse(r.after_state),
      result: r.result === 'failed' ? 'failed' : 'ok',
      error: (r.error as string | null) ?? null,
    }));
  }
}
