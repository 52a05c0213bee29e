import type { RowDataPacket } from 'mysql2/promise';
import type { AuditEntry } from '../../../../shared/tenants';
import type { Logger } from 'pino';
import { Coalescer } from '../../lib/coalescer';
import type { EventBus } from '../../lib/event-bus';
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

  // Entries written at the same time (tenants provisioned side by side) go in one statement.
  private readonly writes = new Coalescer<AuditWrite, void>(async (all) => {
    const at = sqlTime();
    await this.core.query(
      `INSERT INTO ${table('keel_audit')} (at, env_id, actor, action, target, tenant_id, before_state, after_state, result, error) VALUES ?`,
      [
        all.map((w) => [
          at,
          w.envId,
          w.actor.slice(0, 160),
          w.action,
          w.target.slice(0, 200),
          w.tenantId ?? null,
          w.before === undefined ? null : JSON.stringify(w.before),
          w.after === undefined ? null : JSON.stringify(w.after),
          w.error ? 'failed' : 'ok',
          w.error ?? null,
        ]),
      ],
    );
    return [];
  });

  async write(w: AuditWrite): Promise<void> {
    await this.writes.run(w);
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

/** One change, as its audit entry names it. */
export type Change = Omit<AuditWrite, 'before' | 'after' | 'error'>;

/** What a change that worked reports: its result, and the state before / after for the log. */
export interface Outcome<T> {
  value: T;
  before?: unknown;
  after?: unknown;
}

export interface AuditedOptions {
  /**
   * Runs first when the change fails: puts back what it did (undo, restore) and returns the error
   * to throw (the one caught if absent). Its own failure is thrown instead, and still recorded.
   */
  recover?: (e: unknown) => Promise<unknown>;
  /** The failed entry's before / after. */
  failed?: () =>
    Promise<Pick<AuditWrite, 'before' | 'after'>> | Pick<AuditWrite, 'before' | 'after'>;
}

/**
 * Runs a change and records it: when it works, an `ok` entry with its before / after and a
 * `tenants.changed` event for every console; when it fails, `recover` first, then a `failed`
 * entry with the error (best effort: a core database that is away must not hide the change's
 * own error), then the error.
 */
export async function audited<T>(
  to: { audit: AuditLog; bus: EventBus; logger: Logger },
  change: Change,
  run: () => Promise<Outcome<T>>,
  o: AuditedOptions = {},
): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await run();
  } catch (e) {
    let thrown: unknown = e;
    try {
      if (o.recover) thrown = await o.recover(e);
    } catch (r) {
      thrown = r;
    }
    const failed = await Promise.resolve(o.failed?.()).catch(() => undefined);
    await to.audit
      .write({ ...change, ...failed, error: e instanceof Error ? e.message : String(e) })
      .catch((err: unknown) => to.logger.warn({ err, ...change }, 'failed change not audited'));
    throw thrown;
  }
  await to.audit.write({ ...change, before: outcome.before, after: outcome.after });
  to.bus.publish('tenants.changed', {
    envId: change.envId,
    ...(change.tenantId && { tenantId: change.tenantId }),
  });
  return outcome.value;
}
