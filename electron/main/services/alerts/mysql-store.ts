import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  alertRuleSchema,
  alertSchema,
  silenceSchema,
  webhookSchema,
  type Alert,
  type AlertEvent,
  type AlertFilter,
  type AlertRule,
  type AlertState,
  type Silence,
  type Webhook,
} from '../../../../shared/alerts';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';
import type { MachineState } from './machine';
import { searchText, type AlertStore, type HistoryRow, type StoredAlert } from './store';

type Row = RowDataPacket & Record<string, unknown>;

const json = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
/** DATETIME(3) in UTC, as the pool reads and writes it (dateStrings). */
const sqlTime = (ms: number): string =>
  new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const isoOf = (v: unknown): string =>
  v instanceof Date ? v.toISOString() : new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
const likeOf = (s: string): string => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const stored = (r: Row): StoredAlert => ({
  alert: alertSchema.parse(json(r.doc)),
  machine: json(r.machine) as MachineState,
  version: Number(r.version),
});

const eventOf = (r: Row): AlertEvent => ({
  alertId: String(r.alert_id),
  at: isoOf(r.at),
  from: (r.from_state as AlertState | null) ?? null,
  to: r.to_state as AlertState,
  by: String(r.by_actor),
  note: (r.note as string | null) ?? null,
  value: r.value === null || r.value === undefined ? null : Number(r.value),
});

/** Rules and alert state in the core database's `keel` schema: every console sees the same. */
export class MysqlAlertStore implements AlertStore {
  readonly shared = true;

  constructor(private readonly core: MysqlStore) {}

  async ensureDefaults(envId: string, rules: AlertRule[]): Promise<void> {
    await this.tx(async (c) => {
      const [res] = await c.query<ResultSetHeader>(
        `INSERT IGNORE INTO ${table('keel_alert_env')} (env_id, defaults_at) VALUES (?, NOW(3))`,
        [envId],
      );
      if (res.affectedRows === 0) return;
      for (const r of rules) await this.putRule(c, r, 'INSERT IGNORE');
    });
  }

  async rules(envId: string): Promise<AlertRule[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT definition FROM ${table('keel_alert_rule')} WHERE env_id = ? ORDER BY id`,
      [envId],
    );
    return rows.map((r) => alertRuleSchema.parse(json(r.definition)));
  }

  async saveRule(rule: AlertRule): Promise<void> {
    await this.tx((c) => this.putRule(c, rule, 'REPLACE'));
  }

  async removeRule(envId: string, id: string): Promise<boolean> {
    return this.remove('keel_alert_rule', envId, id);
  }

  async silences(envId: string): Promise<Silence[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT definition FROM ${table('keel_alert_silence')} WHERE env_id = ? ORDER BY ends_at DESC`,
      [envId],
    );
    return rows.map((r) => silenceSchema.parse(json(r.definition)));
  }

  async saveSilence(s: Silence): Promise<void> {
    await this.core.query(
      `REPLACE INTO ${table('keel_alert_silence')} (env_id, id, definition, ends_at) VALUES (?, ?, ?, ?)`,
      [s.envId, s.id, JSON.stringify(s), sqlTime(Date.parse(s.endsAt))],
    );
  }

  async removeSilence(envId: string, id: string): Promise<boolean> {
    return this.remove('keel_alert_silence', envId, id);
  }

  async webhooks(envId: string): Promise<Webhook[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT definition FROM ${table('keel_alert_webhook')} WHERE env_id = ? ORDER BY position`,
      [envId],
    );
    return rows.map((r) => webhookSchema.parse(json(r.definition)));
  }

  async saveWebhooks(envId: string, hooks: Webhook[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query(`DELETE FROM ${table('keel_alert_webhook')} WHERE env_id = ?`, [envId]);
      for (const [i, h] of hooks.entries()) {
        await c.query(
          `INSERT INTO ${table('keel_alert_webhook')} (env_id, id, position, definition) VALUES (?, ?, ?, ?)`,
          [envId, h.id, i, JSON.stringify(h)],
        );
      }
    });
  }

  async open(envId: string): Promise<StoredAlert[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT doc, machine, version FROM ${table('keel_alert')} WHERE env_id = ? AND open_fingerprint IS NOT NULL`,
      [envId],
    );
    return rows.map(stored);
  }

  async insert(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    const x = a.alert;
    try {
      await this.tx(async (c) => {
        await c.query(
          `INSERT INTO ${table('keel_alert')} (id, env_id, rule_id, fingerprint, open_fingerprint, state, severity, search_text, doc, machine, version, starts_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
          [
            x.id,
            x.envId,
            x.ruleId,
            x.fingerprint,
            x.state === 'resolved' ? null : x.fingerprint,
            x.state,
            x.severity,
            searchText(x),
            JSON.stringify(x),
            JSON.stringify(a.machine),
            sqlTime(Date.parse(x.startsAt)),
            sqlTime(Date.parse(x.updatedAt)),
          ],
        );
        await this.addEvents(c, x.envId, events);
      });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'ER_DUP_ENTRY') return false;
      const cause = (e as { details?: { driverCode?: string } }).details?.driverCode;
      if (cause === 'ER_DUP_ENTRY') return false;
      throw e;
    }
  }

  async update(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    const x = a.alert;
    return this.tx(async (c) => {
      const [res] = await c.query<ResultSetHeader>(
        `UPDATE ${table('keel_alert')} SET open_fingerprint = ?, state = ?, severity = ?, search_text = ?, doc = ?, machine = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
        [
          x.state === 'resolved' ? null : x.fingerprint,
          x.state,
          x.severity,
          searchText(x),
          JSON.stringify(x),
          JSON.stringify(a.machine),
          sqlTime(Date.parse(x.updatedAt)),
          x.id,
          a.version,
        ],
      );
      if (res.affectedRows !== 1) return false;
      await this.addEvents(c, x.envId, events);
      return true;
    });
  }

  async get(envId: string, id: string): Promise<StoredAlert | undefined> {
    const [r] = await this.core.query<Row[]>(
      `SELECT doc, machine, version FROM ${table('keel_alert')} WHERE env_id = ? AND id = ?`,
      [envId, id],
    );
    return r ? stored(r) : undefined;
  }

  async list(f: AlertFilter): Promise<Alert[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      where.push(sql);
      params.push(v);
    };
    if (f.envId) add('env_id = ?', f.envId);
    if (f.states?.length) add('state IN (?)', f.states);
    if (f.severity) add('severity = ?', f.severity);
    if (f.search) add('search_text LIKE ?', likeOf(f.search));
    const rows = await this.core.query<Row[]>(
      `SELECT doc FROM ${table('keel_alert')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY starts_at DESC, id DESC LIMIT ?`,
      [...params, f.limit],
    );
    return rows.map((r) => alertSchema.parse(json(r.doc)));
  }

  async changedSince(envId: string, sinceMs: number): Promise<Alert[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT doc FROM ${table('keel_alert')} WHERE env_id = ? AND updated_at >= ? ORDER BY updated_at`,
      [envId, sqlTime(sinceMs)],
    );
    return rows.map((r) => alertSchema.parse(json(r.doc)));
  }

  async events(alertId: string): Promise<AlertEvent[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT * FROM ${table('keel_alert_event')} WHERE alert_id = ? ORDER BY id`,
      [alertId],
    );
    return rows.map(eventOf);
  }

  async searchHistory(
    envId: string,
    q: { search?: string | undefined; since?: string | undefined; limit: number },
  ): Promise<HistoryRow[]> {
    const params: unknown[] = [envId];
    let where = 'e.env_id = ?';
    if (q.since) {
      where += ' AND e.at >= ?';
      params.push(sqlTime(Date.parse(q.since)));
    }
    if (q.search) {
      where += ' AND (a.search_text LIKE ? OR LOWER(e.note) LIKE ?)';
      params.push(likeOf(q.search), likeOf(q.search));
    }
    const rows = await this.core.query<Row[]>(
      `SELECT e.*, a.doc FROM ${table('keel_alert_event')} e JOIN ${table('keel_alert')} a ON a.id = e.alert_id WHERE ${where} ORDER BY e.id DESC LIMIT ?`,
      [...params, q.limit],
    );
    return rows.map((r) => {
      const a = alertSchema.parse(json(r.doc));
      return { ...eventOf(r), ruleName: a.ruleName, labels: a.labels };
    });
  }

  private async putRule(c: PoolConnection, r: AlertRule, verb: 'REPLACE' | 'INSERT IGNORE') {
    await c.query(
      `${verb} INTO ${table('keel_alert_rule')} (env_id, id, definition, enabled, updated_at) VALUES (?, ?, ?, ?, NOW(3))`,
      [r.envId, r.id, JSON.stringify(r), r.enabled ? 1 : 0],
    );
  }

  private async addEvents(c: PoolConnection, envId: string, events: AlertEvent[]) {
    for (const e of events) {
      await c.query(
        `INSERT INTO ${table('keel_alert_event')} (alert_id, env_id, at, from_state, to_state, by_actor, note, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          e.alertId,
          envId,
          sqlTime(Date.parse(e.at)),
          e.from,
          e.to,
          e.by.slice(0, 160),
          e.note,
          e.value,
        ],
      );
    }
  }

  private async remove(name: string, envId: string, id: string): Promise<boolean> {
    return this.tx(async (c) => {
      const [res] = await c.query<ResultSetHeader>(
        `DELETE FROM ${table(name)} WHERE env_id = ? AND id = ?`,
        [envId, id],
      );
      return res.affectedRows > 0;
    });
  }

  private tx<R>(fn: (c: PoolConnection) => Promise<R>): Promise<R> {
    return this.core.withConnection(async (c) => {
      await c.beginTransaction();
      try {
        const r = await fn(c);
        await c.commit();
        return r;
      } catch (e) {
        await c.rollback().catch(() => undefined);
        throw e;
      }
    });
  }
}
