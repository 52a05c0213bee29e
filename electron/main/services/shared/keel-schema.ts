import mysql from 'mysql2/promise';
import { KeelError } from '../../../../shared/errors';
import type { MysqlStore } from '../../stores/mysql.store';

/**
 * Keel's own tables in the environment's core MySQL ("shared storage"): job history, schedules,
 * watch samples. They live in their own schema so they never mix with the platform's tables.
 */
export const KEEL_SCHEMA = 'keel';

interface Migration {
  version: number;
  name: string;
  /** `t('keel_job')` gives the schema-qualified, quoted table name. */
  statements: (t: (table: string) => string) => string[];
}

/** Append-only: a released migration is never edited, a new version is added instead. */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'jobs, schedules and watch samples',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t('keel_job')} (
        id VARCHAR(128) NOT NULL PRIMARY KEY,
        kind VARCHAR(64) NOT NULL,
        state VARCHAR(16) NOT NULL,
        env_id VARCHAR(63) NOT NULL,
        tenant_id VARCHAR(64) NULL,
        schedule_id VARCHAR(63) NULL,
        actor_type VARCHAR(16) NOT NULL,
        actor_name VARCHAR(128) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        record JSON NOT NULL,
        created_at DATETIME(3) NOT NULL,
        finished_at DATETIME(3) NULL,
        updated_at DATETIME(3) NOT NULL,
        KEY idx_env_created (env_id, created_at),
        KEY idx_state (state),
        KEY idx_kind_created (kind, created_at),
        KEY idx_schedule_created (schedule_id, created_at),
        KEY idx_tenant_created (tenant_id, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_schedule')} (
        env_id VARCHAR(63) NOT NULL,
        id VARCHAR(63) NOT NULL,
        definition JSON NOT NULL,
        enabled TINYINT(1) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (env_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_watch_sample')} (
        run_key VARCHAR(128) NOT NULL,
        round INT NOT NULL,
        connection_id VARCHAR(63) NOT NULL,
        endpoint VARCHAR(16) NOT NULL,
        at DATETIME(3) NOT NULL,
        status VARCHAR(16) NOT NULL,
        latency_ms DOUBLE NULL,
        PRIMARY KEY (run_key, round, connection_id, endpoint)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 2,
    name: 'audit log',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t('keel_audit')} (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        at DATETIME(3) NOT NULL,
        env_id VARCHAR(63) NOT NULL,
        actor VARCHAR(160) NOT NULL,
        action VARCHAR(64) NOT NULL,
        target VARCHAR(200) NOT NULL,
        tenant_id VARCHAR(64) NULL,
        before_state JSON NULL,
        after_state JSON NULL,
        result VARCHAR(8) NOT NULL,
        error TEXT NULL,
        KEY idx_env_at (env_id, at),
        KEY idx_tenant_at (tenant_id, at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 3,
    name: 'alerts: rules, alerts, history, silences, webhooks',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert_env')} (
        env_id VARCHAR(63) NOT NULL PRIMARY KEY,
        defaults_at DATETIME(3) NOT NULL,
        leader CHAR(36) NULL,
        leader_until DATETIME(3) NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert_rule')} (
        env_id VARCHAR(63) NOT NULL,
        id VARCHAR(63) NOT NULL,
        definition JSON NOT NULL,
        enabled TINYINT(1) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (env_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert')} (
        id VARCHAR(64) NOT NULL PRIMARY KEY,
        env_id VARCHAR(63) NOT NULL,
        rule_id VARCHAR(63) NOT NULL,
        fingerprint CHAR(32) NOT NULL,
        open_fingerprint CHAR(32) NULL,
        state VARCHAR(16) NOT NULL,
        severity VARCHAR(16) NOT NULL,
        search_text TEXT NOT NULL,
        doc JSON NOT NULL,
        machine JSON NOT NULL,
        version INT NOT NULL,
        starts_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_open (env_id, open_fingerprint),
        KEY idx_env_updated (env_id, updated_at),
        KEY idx_env_state (env_id, state),
        KEY idx_env_starts (env_id, starts_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert_event')} (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        alert_id VARCHAR(64) NOT NULL,
        env_id VARCHAR(63) NOT NULL,
        at DATETIME(3) NOT NULL,
        from_state VARCHAR(16) NULL,
        to_state VARCHAR(16) NOT NULL,
        by_actor VARCHAR(160) NOT NULL,
        note TEXT NULL,
        value DOUBLE NULL,
        KEY idx_alert (alert_id, id),
        KEY idx_env_at (env_id, at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert_silence')} (
        env_id VARCHAR(63) NOT NULL,
        id VARCHAR(63) NOT NULL,
        definition JSON NOT NULL,
        ends_at DATETIME(3) NOT NULL,
        PRIMARY KEY (env_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('keel_alert_webhook')} (
        env_id VARCHAR(63) NOT NULL,
        id VARCHAR(63) NOT NULL,
        position INT NOT NULL,
        definition JSON NOT NULL,
        PRIMARY KEY (env_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Create the schema and apply pending migrations, under a named lock so consoles starting
 * together do not race. Idempotent.
 */
export async function migrateKeelSchema(core: MysqlStore, schema = KEEL_SCHEMA): Promise<void> {
  const t = (name: string): string => table(name, schema);
  const lockName = `keel:migrate:${schema}`;
  await core.withConnection(
    async (conn) => {
      const [[lock]] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [
        lockName,
      ]);
      if (Number(lock?.got) !== 1) {
        throw new KeelError('TIMEOUT', 'another Keel is migrating the shared storage; try again');
      }
      try {
        await conn.query(
          `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(schema)} DEFAULT CHARACTER SET utf8mb4`,
        );
        await conn.query(
          `CREATE TABLE IF NOT EXISTS ${t('keel_schema_version')} (version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
        );
        const [rows] = await conn.query<mysql.RowDataPacket[]>(
          `SELECT COALESCE(MAX(version), 0) AS v FROM ${t('keel_schema_version')}`,
        );
        const current = Number(rows[0]?.v ?? 0);
        if (current > LATEST_VERSION) {
          throw new KeelError(
            'PRECONDITION_FAILED',
            `the shared storage is at version ${current}, newer than this Keel knows (${LATEST_VERSION}): upgrade Keel`,
          );
        }
        for (const m of MIGRATIONS.filter((x) => x.version > current)) {
          for (const sql of m.statements(t)) await conn.query(sql);
          await conn.query(
            `INSERT INTO ${t('keel_schema_version')} (version, name, applied_at) VALUES (?, ?, NOW(3))`,
            [m.version, m.name],
          );
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [lockName]);
      }
    },
    { timeoutMs: 60_000 },
  );
}

/** `keel`.`table`, quoted. */
export const table = (name: string, schema = KEEL_SCHEMA): string =>
  `${mysql.escapeId(schema)}.${mysql.escapeId(name)}`;
