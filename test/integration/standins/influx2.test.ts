/**
 * Contract tests for the InfluxDB 2 surface Keel relies on. They run against a real InfluxDB 2 when
 * KEEL_TEST_INFLUX2_URL (+ _TOKEN, _ORG) is set and against the test stand-in otherwise, so every
 * assertion outside the "stand-in only" block must hold for both.
 */
import { HttpError, InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import type { Logger, WriteApi } from '@influxdata/influxdb-client';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Influx2Target } from '../../support/standins/influx2/index';
import { getInflux2Target } from '../../support/standins/influx2/index';

const againstRealServer = Boolean(process.env.KEEL_TEST_INFLUX2_URL);
const MEASUREMENT = 'keel_contract';
const MINUTE = 60_000;

/** RFC3339 as InfluxDB prints it: fractional seconds only when non-zero. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let target: Influx2Target;
let orgID: string;
let restoreLogger: Logger | undefined;

beforeAll(async () => {
  // The client logs every failed write attempt; the failures in this file are deliberate.
  restoreLogger = setLogger({ error: () => undefined, warn: () => undefined });
  target = await getInflux2Target();
});
afterAll(async () => {
  if (restoreLogger) setLogger(restoreLogger);
  await target?.stop();
});

/** The error code of a request on a fresh connection (no keep-alive pool to hide a dead port). */
function connectError(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/ping`, { agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
  });
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function api(path: string, init: RequestInit = {}, token = target.token) {
  const res = await fetch(`${target.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Token ${token}`,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

type QueryResult = {
  statement_id: number;
  error?: string;
  series?: Array<{
    name: string;
    tags?: Record<string, string>;
    columns: string[];
    values: unknown[][];
  }>;
};

async function influxql(db: string, q: string, epoch?: string): Promise<QueryResult> {
  const params = new URLSearchParams({ db, q, ...(epoch ? { epoch } : {}) });
  const res = await api(`/query?${params}`, { headers: { Accept: 'application/json' } });
  expect(res.status).toBe(200);
  const result = (res.json as { results: QueryResult[] }).results[0];
  if (!result) throw new Error(`no result for ${q}`);
  return result;
}

function rowsOf(result: QueryResult): Array<Record<string, unknown>> {
  expect(result.error).toBeUndefined();
  const series = result.series?.[0];
  if (!series) return [];
  return series.values.map((v) => Object.fromEntries(series.columns.map((c, i) => [c, v[i]])));
}

async function createBucket(name: string, everySeconds: number) {
  return api('/api/v2/buckets', {
    method: 'POST',
    body: JSON.stringify({ orgID, name, retentionRules: [{ type: 'expire', everySeconds }] }),
  });
}

function writeApi(bucket: string, options: Parameters<InfluxDB['getWriteApi']>[3] = {}): WriteApi {
  const client = new InfluxDB({ url: target.url, token: target.token });
  return client.getWriteApi(target.org, bucket, 'ns', { flushInterval: 0, ...options });
}

describe(`InfluxDB 2 contract (${againstRealServer ? 'real server' : 'stand-in'})`, () => {
  const bucket = uniqueName('keel_contract');
  let bucketId: string;
  // Whole minutes, half an hour back: inside the bucket's 1 h retention and away from "now".
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
  const from = rfc3339(t0);
  const to = rfc3339(t0 + 10 * MINUTE);
  const range = `time >= '${from}' AND time < '${to}'`;

  it('reports a 2.x server from /ping and /health', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${target.url}/ping`, { method });
      expect(res.status).toBe(204);
      expect(res.headers.get('x-influxdb-version')).toMatch(/^v?2\./);
      expect(res.headers.get('x-influxdb-build')).toBeTruthy();
    }
    const health = await fetch(`${target.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ name: 'influxdb', status: 'pass' });
  });

  it('creates a bucket with 1 h retention, finds it, and refuses a duplicate', async () => {
    const orgs = await api(`/api/v2/orgs?org=${encodeURIComponent(target.org)}`);
    expect(orgs.status).toBe(200);
    orgID = orgs.json.orgs[0].id;
    expect(orgID).toMatch(/^[0-9a-f]{16}$/);

    const created = await createBucket(bucket, 3600);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: bucket, orgID });
    expect(created.json.retentionRules[0]).toMatchObject({ type: 'expire', everySeconds: 3600 });
    bucketId = created.json.id;

    const found = await api(`/api/v2/buckets?name=${bucket}&orgID=${orgID}`);
    expect(found.status).toBe(200);
    expect(found.json.buckets.map((b: { id: string }) => b.id)).toEqual([bucketId]);

    const duplicate = await createBucket(bucket, 3600);
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({
      code: 'conflict',
      message: `bucket with name ${bucket} already exists`,
    });
  });

  it('writes 1,000 points with WriteApi and reads them back over /query', async () => {
    const w = writeApi(bucket, { batchSize: 5000, maxRetries: 0 });
    for (let i = 0; i < 1000; i++) {
      w.writePoint(
        new Point(MEASUREMENT)
          .tag('host', `h${i % 4}`)
          .tag('region', 'eu west,1=x')
          .floatField('value', i)
          .intField('seq', i)
          .uintField('useq', i)
          .stringField('label', `p "${i}" \\ ok`)
          .booleanField('even', i % 2 === 0)
          .timestamp(new Date(t0 + i * 600)),
      );
    }
    await w.close();

    const counts = rowsOf(
      await influxql(
        bucket,
        `SELECT count(value), count(seq), count(useq), count(label), count(even) FROM ${MEASUREMENT} WHERE ${range}`,
      ),
    );
    expect(counts).toEqual([
      { time: from, count: 1000, count_1: 1000, count_2: 1000, count_3: 1000, count_4: 1000 },
    ]);

    // 100 points a minute with value = i, so minute k averages 100k + 49.5.
    const means = rowsOf(
      await influxql(
        bucket,
        `SELECT mean(value) FROM ${MEASUREMENT} WHERE ${range} GROUP BY time(1m)`,
      ),
    );
    expect(means).toEqual(
      Array.from({ length: 10 }, (_, k) => ({
        time: rfc3339(t0 + k * MINUTE),
        mean: 100 * k + 49.5,
      })),
    );

    const [last] = rowsOf(
      await influxql(
        bucket,
        `SELECT * FROM ${MEASUREMENT} WHERE ${range} ORDER BY time DESC LIMIT 1`,
        'ms',
      ),
    );
    expect(last).toEqual({
      time: t0 + 999 * 600,
      even: false,
      host: 'h3',
      label: 'p "999" \\ ok',
      region: 'eu west,1=x',
      seq: 999,
      useq: 999,
      value: 999,
    });

    const perHost = await influxql(
      bucket,
      `SELECT count(value) FROM ${MEASUREMENT} WHERE ${range} GROUP BY host`,
    );
    expect(perHost.series?.map((s) => [s.tags?.host, s.values[0]?.[1]])).toEqual([
      ['h0', 250],
      ['h1', 250],
      ['h2', 250],
      ['h3', 250],
    ]);
  });

  it('answers a wrong token with 401', async () => {
    const buckets = await api('/api/v2/buckets', {}, 'not-the-token');
    expect(buckets.status).toBe(401);
    expect(buckets.json).toEqual({ code: 'unauthorized', message: 'unauthorized access' });

    const query = await api(
      `/query?${new URLSearchParams({ db: bucket, q: 'SHOW MEASUREMENTS' })}`,
      {},
      'nope',
    );
    expect(query.status).toBe(401);

    const client = new InfluxDB({ url: target.url, token: 'not-the-token' });
    const w = client.getWriteApi(target.org, bucket, 'ns', { maxRetries: 0 });
    w.writeRecord(`${MEASUREMENT} value=1`);
    const err: unknown = await w.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).statusCode).toBe(401);
    await w.close().catch(() => undefined);
  });

  it('rejects malformed line protocol with 400 and writes nothing from that body', async () => {
    const write = (body: string) =>
      api(`/api/v2/write?org=${encodeURIComponent(target.org)}&bucket=${bucket}&precision=ms`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
    const res = await write(`${MEASUREMENT},host=hx value=1 ${t0}\n${MEASUREMENT},host=hx value=`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid');
    expect(res.json.message).toContain('unable to parse');
    const hx = await influxql(bucket, `SELECT count(value) FROM ${MEASUREMENT} WHERE host = 'hx'`);
    expect(hx.series).toBeUndefined();

    const missing = await api(
      `/api/v2/write?org=${encodeURIComponent(target.org)}&bucket=no_such_bucket_${Date.now()}`,
      { method: 'POST', body: `${MEASUREMENT} value=1` },
    );
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('not found');
  });

  it('deletes the bucket (204), then answers 404 for it', async () => {
    const first = await api(`/api/v2/buckets/${bucketId}`, { method: 'DELETE' });
    expect(first.status).toBe(204);
    const again = await api(`/api/v2/buckets/${bucketId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ code: 'not found', message: 'bucket not found' });
    const found = await api(`/api/v2/buckets?name=${bucket}&orgID=${orgID}`);
    expect(found.json.buckets).toEqual([]);
  });
});

if (againstRealServer) {
  console.info('Skipping stand-in-only tests: KEEL_TEST_INFLUX2_URL points at a real InfluxDB 2.');
}

describe.skipIf(againstRealServer)('InfluxDB 2 stand-in test hooks', () => {
  const bucket = uniqueName('keel_hooks');

  beforeAll(async () => {
    orgID ??= target.standIn?.orgId ?? '';
    expect((await createBucket(bucket, 0)).status).toBe(201);
  });

  it('failNextWrites(2, 503): a WriteApi with retries still lands the batch exactly once', async () => {
    const standIn = target.standIn;
    if (!standIn) throw new Error('stand-in expected');
    standIn.failNextWrites(2, 503);
    let landed!: () => void;
    const success = new Promise<void>((resolve) => (landed = resolve));
    const w = writeApi(bucket, {
      maxRetries: 3,
      minRetryDelay: 50,
      maxRetryDelay: 200,
      retryJitter: 0,
      randomRetry: false,
      writeSuccess: () => landed(),
    });
    const now = Date.now();
    for (let i = 0; i < 10; i++) w.writeRecord(`retry,n=${i} value=${i}i ${(now + i) * 1_000_000}`);
    const firstAttempt: unknown = await w.flush().catch((e: unknown) => e);
    expect((firstAttempt as HttpError).statusCode).toBe(503);
    await success;
    await w.close();

    const writes = standIn.requests.filter((r) => r.path === '/api/v2/write').map((r) => r.status);
    expect(writes.slice(-3)).toEqual([503, 503, 204]);
    expect(standIn.points(bucket)).toHaveLength(10);
  });

  it('kill() refuses connections; restart() serves again on the same port with data kept', async () => {
    const standIn = target.standIn;
    if (!standIn) throw new Error('stand-in expected');
    await standIn.kill();
    expect(await connectError(standIn.url)).toBe('ECONNREFUSED');

    await standIn.restart();
    expect((await fetch(`${standIn.url}/ping`)).status).toBe(204);
    const count = rowsOf(await influxql(bucket, 'SELECT count(value) FROM retry'));
    expect(count).toEqual([{ time: '1970-01-01T00:00:00Z', count: 10 }]);
    expect(standIn.points(bucket)).toHaveLength(10);
  });
});
