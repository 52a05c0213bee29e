import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import type { Environment } from '../../../../shared/models/environment';
import {
  METRIC_TAG_KEYS,
  type MetricTags,
  type SeriesInput,
  type SeriesResult,
} from '../../../../shared/monitoring';
import type { Disposable } from '../../lib/disposables';
import { quoteIdent, type InfluxStore } from '../../stores/influx.store';
import type { ClientRegistry } from '../../stores/registry';
import type { BlueprintLoader } from '../tenants/blueprints';
import { BASE_TAGS, measurementOf } from './line-protocol';
import { SampleWriter, type SampleWriterOptions } from './sample-writer';

/** Where an environment's samples are kept: its metrics connection and database. */
export interface HistoryTarget {
  envId: string;
  connectionId: string;
  database: string;
  retentionDays: number;
  /** Changes when the connection's settings change (a new writer is made then). */
  fingerprint: string;
}

/** Used when the environment's blueprint cannot be read (the shipped default's values). */
const FALLBACK = { role: 'metrics', database: 'platform_metrics', retentionDays: 30 };

/**
 * The environment's InfluxDB for history: the connection with the blueprint's metrics role (else
 * its only InfluxDB), the blueprint's metrics database and retention. None: memory window only.
 */
export async function historyTarget(
  env: Environment,
  blueprints: BlueprintLoader,
  logger: Logger,
): Promise<HistoryTarget | undefined> {
  let spec = FALLBACK;
  try {
    spec = (await blueprints.load(env.blueprint)).blueprint.influx;
  } catch (err) {
    logger.warn({ err, envId: env.id }, 'blueprint unreadable; metrics go to platform_metrics');
  }
  const influx = env.connections.filter((c) => c.kind === 'influxdb');
  const c = influx.find((x) => x.role === spec.role) ?? influx[0];
  if (!c) return undefined;
  return {
    envId: env.id,
    connectionId: c.id,
    database: spec.database,
    retentionDays: spec.retentionDays,
    fingerprint: JSON.stringify([c, spec.database, spec.retentionDays]),
  };
}

/** An InfluxQL string literal. */
export const influxString = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Series returned by one query at most (per-partition metrics can have thousands). */
export const MAX_SERIES = 500;

/** `SELECT mean(value) … GROUP BY time(step), *` for one metric of one connection. */
export function seriesQuery(q: SeriesInput): string {
  const where = [
    `${quoteIdent(BASE_TAGS.env)} = ${influxString(q.envId)}`,
    `${quoteIdent(BASE_TAGS.conn)} = ${influxString(q.connectionId)}`,
    ...Object.entries(q.tags ?? {}).map(([k, v]) => `${quoteIdent(k)} = ${influxString(v)}`),
    `time >= ${q.from}ms`,
    `time < ${q.to}ms`,
  ];
  return (
    `SELECT mean("value") AS "value" FROM ${quoteIdent(measurementOf(q.metric))}` +
    ` WHERE ${where.join(' AND ')} GROUP BY time(${q.stepSec}s), * fill(null) SLIMIT ${MAX_SERIES}`
  );
}

const TAG_KEYS = new Set<string>(METRIC_TAG_KEYS);

/**
 * History of one environment in InfluxDB: the batching writer (creating the database with the
 * blueprint's retention before the first write, and again if it disappears) and range reads.
 */
export class History implements Disposable {
  readonly writer: SampleWriter;
  private ensured: Promise<void> | undefined;

  constructor(
    readonly target: HistoryTarget,
    private readonly registry: ClientRegistry,
    private readonly logger: Logger,
    writerOptions: SampleWriterOptions,
  ) {
    this.writer = new SampleWriter((lines) => this.write(lines), {
      ...writerOptions,
      // A /ping goes through an open breaker, so a returning InfluxDB is seen at once.
      ready: async () => {
        await (await this.store()).probe('primary', { timeoutMs: 2000 });
      },
      logger: logger.child({ envId: target.envId, metrics: target.connectionId }),
    });
  }

  async series(q: SeriesInput): Promise<SeriesResult['series']> {
    const store = await this.store();
    const [r] = await store.query(seriesQuery(q), { db: this.target.database, epoch: 'ms' });
    if (r?.error) {
      // A database or measurement not written yet is an empty history, not an error.
      if (/database not found/i.test(r.error)) return [];
      throw new KeelError('SERVER_ERROR', `InfluxDB: ${r.error}`);
    }
    return (r?.series ?? []).map((s) => {
      const tags: MetricTags = {};
      for (const [k, v] of Object.entries(s.tags ?? {})) {
        if (TAG_KEYS.has(k) && v) tags[k as keyof MetricTags] = v;
      }
      const points = s.values.map(
        (row) =>
          [Number(row[0]), row[1] === null ? null : Number(row[1])] as [number, number | null],
      );
      return { tags, points };
    });
  }

  async dispose(): Promise<void> {
    await this.writer.dispose();
  }

  private store(): Promise<InfluxStore> {
    return this.registry.of('influxdb', this.target.envId, this.target.connectionId);
  }

  private async write(lines: string[]): Promise<void> {
    const store = await this.store();
    this.ensured ??= this.ensure(store).catch((e: unknown) => {
      this.ensured = undefined;
      throw e;
    });
    await this.ensured;
    try {
      await store.writeLines({ db: this.target.database }, lines);
    } catch (e) {
      if (isKeelError(e) && e.code === 'NOT_FOUND') this.ensured = undefined; // dropped under us
      throw e;
    }
  }

  private async ensure(store: InfluxStore): Promise<void> {
    const { database, retentionDays } = this.target;
    try {
      await store.ensureDatabase(database, retentionDays * 86_400);
    } catch (e) {
      // It exists with another retention policy (set by hand or an older blueprint): use it as is.
      if (!(isKeelError(e) && e.code === 'SERVER_ERROR') || !(await store.databaseExists(database)))
        throw e;
      this.logger.warn(
        { database, err: e },
        'metrics database exists with a different retention; writing to it as it is',
      );
    }
  }
}
