import { randomUUID } from 'node:crypto';
import type { ResultSetHeader } from 'mysql2/promise';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';

/**
 * The evaluator lease of an environment, a row in the core database (`keel_alert_env`): its
 * holder renews it on every tick, another console takes it once it has lapsed (`ttlMs`, on the
 * database server's clock, so consoles' clocks do not matter). It lives where alert state lives
 * on purpose: whoever can write state can lead, and the death of the coordination Redis (often
 * the platform's cache) is alerted like any other store's instead of silencing the evaluator.
 * While the core database is away nobody leads, and nobody could write anyway.
 */
export class LeaderLease {
  readonly token = randomUUID();
  private held = false;
  private other = false;
  private heldAt = 0;

  constructor(
    private readonly core: MysqlStore,
    readonly envId: string,
    readonly ttlMs: number,
  ) {}

  /** This console held the lease within the last `ms` (whether or not the database answers now). */
  ledWithin(ms: number): boolean {
    return this.heldAt > 0 && Date.now() - this.heldAt <= ms;
  }

  get isLeader(): boolean {
    return this.held;
  }

  /** The database said another console holds the lease (not merely: this tick failed). */
  get otherLeads(): boolean {
    return this.other;
  }

  /** Take or renew the lease; true while this console leads. */
  async tick(): Promise<boolean> {
    try {
      const res = (await this.core.query(
        `UPDATE ${table('keel_alert_env')} SET leader = ?, leader_until = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND) WHERE env_id = ? AND (leader IS NULL OR leader = ? OR leader_until < NOW(3))`,
        [this.token, this.ttlMs * 1000, this.envId, this.token],
        { timeoutMs: Math.max(1000, this.ttlMs / 3) },
      )) as unknown as ResultSetHeader;
      this.held = res.affectedRows === 1;
      this.other = !this.held;
      if (this.held) this.heldAt = Date.now();
    } catch {
      this.held = false;
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    try {
      await this.core.query(
        `UPDATE ${table('keel_alert_env')} SET leader = NULL, leader_until = NULL WHERE env_id = ? AND leader = ?`,
        [this.envId, this.token],
      );
    } catch {
      // It lapses by itself.
    }
  }
}
