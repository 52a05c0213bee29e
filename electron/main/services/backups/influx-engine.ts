import type { BackupRun, InfluxManifest } from '../../../../shared/backups';
import { KeelError, isKeelError } from '../../../../shared/errors';
import { mapStoreError } from '../../stores/errors';
import { InfluxStore, type InfluxQlResult } from '../../stores/influx.store';
import type { StoreClientInit } from '../../stores/types';
import type { ChunkWriter } from './chunk-writer';
import { ContentHash } from './codec';
import { linesOf, nsOf, parseKeepingNumbers, RawNumber, type FieldType } from './influx-format';
import {
  errorContextOf,
  manifestCommon,
  withChunks,
  type BackupEngine,
  type RunWriter,
} from './lifecycle';
import { checkFreeSpace } from './preflight';
import type { RunnerDeps } from './runner';
import type { ManifestBody } from './storage';

export const INFLUX_CONTENT_HASH =
  'per measurement and retention policy: the four little-endian 32-bit words of MD5(line-protocol line without its LF, tags sorted, precision ns) summed over all points mod 2^32 (order-independent)';

const NOTE =
  'Every point with time <= snapshot.until (the start of the run), read window by window: points written with such a time during the run, or deleted during it, may or may not be in the backup. Later points are left out by design.';

type Db = InfluxManifest['databases'][number];

/**
 * A name the server gave (a measurement may hold commas, spaces, quotes) as an InfluxQL quoted
 * identifier: backslash and double quote escaped, nothing else can end it.
 */
const quoteIdent = (name: string): string => `"${name.replace(/[\\"]/g, '\\$&')}"`;

/**
 * InfluxDB 1.x: per database, its retention policies recorded, every measurement of every
 * policy read as `SELECT * … GROUP BY *` window by window (time ranges) up to the run's start,
 * written as line protocol with exact int64 and nanosecond values.
 */
export function influxEngine(d: RunnerDeps, run: BackupRun, init: StoreClientInit): BackupEngine {
  const store = new InfluxStore(init);
  const ctxErr = errorContextOf(init);
  let version = '';
  let databases: string[] = [];
  const call = { timeoutMs: Math.max(30_000, init.connection.timeouts.operationMs) };
  const ql = async (q: string, db?: string): Promise<InfluxQlResult[]> => {
    const text = await store.queryText(q, { ...(db && { db }), epoch: 'ns' }, call);
    const results = (parseKeepingNumbers(text) as { results: InfluxQlResult[] }).results;
    const failed = results.find((r) => r.error);
    if (failed?.error) {
      const denied = /authoriz|not allowed|privilege/i.test(failed.error);
      throw new KeelError(
        denied ? 'PERMISSION_DENIED' : 'SERVER_ERROR',
        `InfluxDB: ${failed.error}`,
      );
    }
    return results;
  };
  const column = (r: InfluxQlResult[], i = 0): unknown[][] => r[i]?.series?.[0]?.values ?? [];
  return {
    store: 'influxdb',
    error: (e) => mapStoreError(e, ctxErr),
    kill: () => void store.close(),
    close: () => store.close(),
    async preflight() {
      const server = await store.detect(call);
      version = server.version;
      if (server.major !== 1)
        throw new KeelError(
          'UNSUPPORTED',
          `InfluxDB ${server.version}: Keel backs up InfluxDB 1.x databases; 2.x buckets are not supported yet`,
        );
      const existing = column(await ql('SHOW DATABASES')).map((v) => String(v[0]));
      databases = await databasesOf(d, run, existing);
      // Reading is the privilege a backup needs: ask for each database's policies.
      for (const db of databases) await ql(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`);
      // InfluxDB 1.x does not tell a database's size over HTTP: only the reserve is checked.
      const storage = d.storageOf(run.envId);
      checkFreeSpace(0, await storage.freeBytes(), storage.root, d.settings.reserveBytes);
    },
    async dump(w: RunWriter): Promise<ManifestBody<InfluxManifest>> {
      const t0 = performance.now();
      const until = nsOf(w.startedAt);
      const out: Db[] = [];
      let points = 0;
      let chunks = 0;
      let bytes = 0;
      let n = 0;
      for (const db of databases) {
        const q = quoteIdent(db);
        const rps = column(await ql(`SHOW RETENTION POLICIES ON ${q}`)).map((v) => ({
          name: String(v[0]),
          duration: String(v[1]),
          shardGroupDuration: String(v[2]),
          replicaN: Number((v[3] as RawNumber).text),
          default: v[4] === true,
        }));
        const names = column(await ql(`SHOW MEASUREMENTS ON ${q}`)).map((v) => String(v[0]));
        const fieldsOf = new Map<string, Record<string, FieldType>>();
        for (const s of (await ql(`SHOW FIELD KEYS ON ${q}`))[0]?.series ?? []) {
          const f: Record<string, FieldType> = {};
          for (const [k, t] of s.values) f[String(k)] ??= t as FieldType;
          fieldsOf.set(s.name, f);
        }
        const entry: Db = { name: db, retentionPolicies: rps, measurements: [] };
        for (const rp of rps) {
          for (const m of names) {
            const from = `${q}.${quoteIdent(rp.name)}.${quoteIdent(m)}`;
            const fields = fieldsOf.get(m) ?? {};
            const { result: hash, chunks: list } = await withChunks(
              w,
              d.settings.chunkRows,
              (c) => `data/m${String(n).padStart(5, '0')}.c${String(c).padStart(5, '0')}.lp`,
              (writer) => dumpMeasurement(ql, from, db, fields, until, d, writer),
            );
            if (hash.rows === 0) continue;
            n++;
            points += hash.rows;
            chunks += list.length;
            bytes += list.reduce((s, c) => s + c.size, 0);
            entry.measurements.push({
              name: m,
              retentionPolicy: rp.name,
              fields,
              points: hash.rows,
              contentHash: hash.hex(),
              chunks: list,
            });
            w.ctx.progress({ done: points, message: `${points} points, ${db}.${rp.name}.${m}` });
          }
        }
        out.push(entry);
      }
      return {
        ...manifestCommon(w, run, d.keelVersion, t0),
        store: 'influxdb',
        server: { version },
        snapshot: {
          kind: 'time-range',
          consistent: false,
          at: w.startedAt.toISOString(),
          until: w.startedAt.toISOString(),
          note: NOTE,
        },
        chunkFormat: { kind: 'line-protocol', precision: 'ns' },
        contentHash: INFLUX_CONTENT_HASH,
        databases: out,
        totals: { bytes, rows: points, chunks },
      };
    },
  };
}

async function databasesOf(d: RunnerDeps, run: BackupRun, existing: string[]): Promise<string[]> {
  const s = run.scope;
  const need = (names: string[]): string[] => {
    const missing = names.filter((x) => !existing.includes(x));
    if (missing.length > 0)
      throw new KeelError('NOT_FOUND', `no InfluxDB database ${missing.join(', ')} on this server`);
    return [...new Set(names)];
  };
  switch (s.type) {
    case 'server':
      return existing.filter((x) => x !== '_internal').sort();
    case 'databases':
      return need(s.databases);
    case 'tables':
      throw new KeelError(
        'VALIDATION',
        'InfluxDB has no tables: back up the server, databases or a tenant',
      );
    case 'tenant':
      return need([(await d.tenantNames(run.envId, run.connectionId, s.tenantId)).bucket]);
  }
}

type Ql = (q: string, db?: string) => Promise<InfluxQlResult[]>;

/** The first or last point's time of a measurement up to `until`, or undefined when it has none. */
async function edge(ql: Ql, from: string, db: string, until: bigint, order: 'ASC' | 'DESC') {
  const r = await ql(
    `SELECT * FROM ${from} WHERE time <= ${until} ORDER BY time ${order} LIMIT 1`,
    db,
  );
  const t = r[0]?.series?.[0]?.values[0]?.[0];
  return t instanceof RawNumber ? BigInt(t.text) : undefined;
}

/** One measurement of one policy, window by window; a window too big for one answer is halved. */
async function dumpMeasurement(
  ql: Ql,
  from: string,
  db: string,
  fields: Record<string, FieldType>,
  until: bigint,
  d: RunnerDeps,
  writer: ChunkWriter,
): Promise<ContentHash> {
  const hash = new ContentHash();
  const lo = await edge(ql, from, db, until, 'ASC');
  const hi = await edge(ql, from, db, until, 'DESC');
  if (lo === undefined || hi === undefined) return hash;
  const window = BigInt(d.settings.influxWindowMs) * 1_000_000n;
  const read = async (a: bigint, b: bigint, depth: number): Promise<void> => {
    let r: InfluxQlResult[];
    try {
      r = await ql(`SELECT * FROM ${from} WHERE time >= ${a} AND time <= ${b} GROUP BY *`, db);
    } catch (e) {
      const tooBig = /larger than/.test(String(isKeelError(e) ? e.details?.driverMessage : e));
      if (!tooBig || depth > 30 || b <= a) throw e;
      const mid = a + (b - a) / 2n;
      await read(a, mid, depth + 1);
      return read(mid + 1n, b, depth + 1);
    }
    const parts: string[] = [];
    let first = '';
    let last = '';
    for (const { line, time } of linesOf(r[0] ?? { statement_id: 0 }, fields)) {
      hash.add(Buffer.from(line));
      parts.push(line);
      if (parts.length === 1) first = time;
      last = time;
    }
    if (parts.length > 0)
      await writer.write(Buffer.from(`${parts.join('\n')}\n`), parts.length, [first, last]);
  };
  for (let a = lo; a <= hi; a += window)
    await read(a, a + window - 1n < hi ? a + window - 1n : hi, 0);
  return hash;
}
