/**
 * Tests of the InfluxDB 2 stand-in itself (always the stand-in, never a real server): line protocol
 * edge cases, the bucket API's error shapes and the InfluxQL subset. Expected values were checked
 * against a real InfluxDB (1.6 for InfluxQL and parser messages, 2.7's documented API for the rest).
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Influx2StandIn } from '../../support/standins/influx2/index';
import { startInflux2StandIn } from '../../support/standins/influx2/index';

let s: Influx2StandIn;
const T0 = 1_700_000_040_000_000_000n; // 2023-11-14T22:14:00Z, a whole minute

beforeAll(async () => {
  s = await startInflux2StandIn({ token: 'secret', org: 'acme' });
});
afterAll(async () => {
  await s.stop();
});

async function call(path: string, init: RequestInit = {}, auth = 'Token secret') {
  const res = await fetch(`${s.url}${path}`, {
    ...init,
    headers: { Authorization: auth, ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

const post = (path: string, body: unknown) =>
  call(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });

async function bucket(name: string, everySeconds = 0): Promise<string> {
  const res = await post('/api/v2/buckets', {
    orgID: s.orgId,
    name,
    retentionRules: [{ everySeconds }],
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

const write = (
  b: string,
  body: string | Buffer,
  precision = 'ns',
  headers: Record<string, string> = {},
) =>
  call(`/api/v2/write?org=acme&bucket=${b}&precision=${precision}`, {
    method: 'POST',
    body,
    headers,
  });

const query = async (db: string, q: string, extra: Record<string, string> = {}) =>
  (await call(`/query?${new URLSearchParams({ db, q, ...extra })}`)).json;

describe('line protocol', () => {
  beforeAll(async () => {
    await bucket('lp');
  });

  it('parses escapes, every field type, comments, blank lines and multi-line strings', async () => {
    const body = [
      '# a comment',
      '',
      `my\\ m\\,x,tag\\ k=a\\=b\\,c f=-1.5e3,i=-42i,u=18446744073709551615u,s="say \\"hi\\"\\\\",b=TRUE ${T0}`,
      `  my\\ m\\,x,tag\\ k=a\\=b\\,c multi="line one`,
      `line two" ${T0 + 1n}`,
    ].join('\n');
    expect((await write('lp', body)).status).toBe(204);
    const [p1, p2] = s.points('lp');
    expect(p1).toEqual({
      measurement: 'my m,x',
      tags: { 'tag k': 'a=b,c' },
      fields: { f: -1500, i: -42n, u: 18446744073709551615n, s: 'say "hi"\\', b: true },
      fieldTypes: { f: 'float', i: 'integer', u: 'unsigned', s: 'string', b: 'boolean' },
      time: T0,
    });
    expect(p2?.fields).toEqual({ multi: 'line one\nline two' });
  });

  it('scales timestamps by precision, accepts gzip, and stamps lines without a time', async () => {
    expect((await write('lp', `prec v=1 ${T0 / 1_000_000_000n}`, 's')).status).toBe(204);
    const gz = gzipSync(`prec v=2 ${T0 / 1_000_000n + 1n}`);
    expect((await write('lp', gz, 'ms', { 'Content-Encoding': 'gzip' })).status).toBe(204);
    const before = BigInt(Date.now()) * 1_000_000n;
    expect((await write('lp', 'prec v=3')).status).toBe(204);
    const times = s
      .points('lp')
      .filter((p) => p.measurement === 'prec')
      .map((p) => p.time);
    expect(times.slice(0, 2)).toEqual([T0, T0 + 1_000_000n]);
    expect(times[2]).toBeGreaterThanOrEqual(before);
  });

  it.each([
    ['m', 'missing fields'],
    ['m f', 'invalid field format'],
    ['m f=', 'missing field value'],
    ['m,t f=1', 'missing tag value'],
    ['m f=abc', 'invalid boolean'],
    ['m f=1x', 'invalid number'],
    ['m f=+2', 'invalid boolean'],
    ['m f="open', 'unbalanced quotes'],
    ['m f=1 1.5', 'bad timestamp'],
    ['m f=1 1 2', 'point is invalid'],
    ['m,t=a,t=b f=1', 'duplicate tags'],
    ['m f=9223372036854775808i', 'unable to parse integer 9223372036854775808: strconv.ParseInt'],
  ])("rejects %j with InfluxDB's reason", async (line, reason) => {
    const res = await write('lp', line);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid');
    expect(res.json.message).toContain(`unable to parse '${line}': ${reason}`);
  });

  it('treats a CRLF line ending as part of the timestamp, as InfluxDB does', async () => {
    expect((await write('lp', 'crlf v=1 1\r\n')).status).toBe(400);
  });

  it('answers semantic drops with 422 and keeps the rest of the batch', async () => {
    await bucket('short', 3600);
    const old = BigInt(Date.now() - 2 * 3600_000) * 1_000_000n;
    const res = await write('short', `t v=1\nt v=2 ${old}\nt v="str"`);
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('unprocessable entity');
    expect(res.json.message).toMatch(
      /partial write: field type conflict: .*outside retention policy .*dropped=2/,
    );
    expect(s.points('short').map((p) => p.fields.v)).toEqual([1]);
  });

  it('validates the write request itself', async () => {
    expect((await write('lp', 'm v=1', 'h')).json.message).toMatch(/^invalid precision/);
    expect((await write('lp', '')).json).toEqual({
      code: 'invalid',
      message: 'writing requires points',
    });
    expect((await write('nope', 'm v=1')).json).toEqual({
      code: 'not found',
      message: 'bucket "nope" not found',
    });
    const noOrg = await call('/api/v2/write?bucket=lp', { method: 'POST', body: 'm v=1' });
    expect(noOrg.status).toBe(400);
    const badOrg = await call('/api/v2/write?org=x&bucket=lp', { method: 'POST', body: 'm v=1' });
    expect(badOrg.json).toEqual({ code: 'not found', message: 'organization name "x" not found' });
  });
});

describe('bucket and org API', () => {
  it('lists system buckets, pages by name, and patches retention and name', async () => {
    const id = await bucket('zz_patch', 7200);
    const all = await call(`/api/v2/buckets?orgID=${s.orgId}&limit=100`);
    const names: string[] = all.json.buckets.map((b: { name: string }) => b.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['_monitoring', '_tasks', 'zz_patch']));
    const page = await call('/api/v2/buckets?limit=1&offset=1');
    expect(page.json.buckets).toHaveLength(1);
    expect(page.json.links.next).toContain('offset=2');

    const patched = await call(`/api/v2/buckets/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({
        name: 'zz_renamed',
        retentionRules: [{ type: 'expire', everySeconds: 86400 * 3 }],
      }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      name: 'zz_renamed',
      retentionRules: [{ type: 'expire', everySeconds: 259200, shardGroupDurationSeconds: 86400 }],
    });
  });

  it('answers invalid requests the way InfluxDB 2.7 does', async () => {
    const under = await post('/api/v2/buckets', { orgID: s.orgId, name: '_mine' });
    expect(under.status).toBe(422);
    const short = await post('/api/v2/buckets', {
      orgID: s.orgId,
      name: 'b',
      retentionRules: [{ everySeconds: 60 }],
    });
    expect(short.json).toEqual({
      code: 'internal error',
      message: 'retention policy duration must be at least 1h0m0s',
    });
    expect((await post('/api/v2/buckets', { name: 'b' })).status).toBe(400);
    expect((await call('/api/v2/buckets/xyz', { method: 'DELETE' })).status).toBe(400);
    const system = (await call('/api/v2/buckets?name=_tasks')).json.buckets[0];
    expect((await call(`/api/v2/buckets/${system.id}`, { method: 'DELETE' })).json.message).toBe(
      'system buckets cannot be deleted',
    );
    expect((await call('/api/v2/orgs?org=nope')).status).toBe(404);
    expect((await call('/api/v2/orgs')).json.orgs[0]).toMatchObject({ id: s.orgId, name: 'acme' });
    expect((await call('/api/v2/nothing')).json).toEqual({
      code: 'not found',
      message: 'path not found',
    });
  });

  it('accepts Token, Bearer, Basic and v1 p= credentials where InfluxDB does', async () => {
    expect((await call('/api/v2/orgs', {}, 'Bearer secret')).status).toBe(200);
    expect((await call('/api/v2/orgs', {}, '')).status).toBe(401);
    const basic = `Basic ${Buffer.from('any:secret').toString('base64')}`;
    expect((await call('/query?q=SHOW+DATABASES', {}, basic)).status).toBe(200);
    expect((await call('/query?q=SHOW+DATABASES&p=secret', {}, '')).status).toBe(200);
    expect((await call('/health', {}, '')).json.version).toBe('v2.7.11');
    expect(s.requests.at(-1)).toEqual({ method: 'GET', path: '/health', status: 200 });
  });
});

describe('InfluxQL over /query', () => {
  beforeAll(async () => {
    await bucket('q');
    const lines: string[] = [];
    // host h1 misses minute 2, so GROUP BY time() has an empty window to fill.
    for (let i = 0; i < 30; i++) {
      const host = `h${i % 2}`;
      if (host === 'h1' && i >= 20 && i < 30) continue;
      lines.push(`cpu,host=${host} v=${i},n=${i}i ${T0 + BigInt(i) * 6_000_000_000n}`);
    }
    lines.push(`cpu,host=h0 n=${2n ** 63n - 1n}i ${T0 + 1n}`, `mem used=1 ${T0}`);
    expect((await write('q', lines.join('\n'))).status).toBe(204);
  });
  const range = `time >= '2023-11-14T22:14:00Z' AND time < '2023-11-14T22:17:00Z'`;

  it('runs SHOW statements and raw selects with tag filters, order and limits', async () => {
    expect((await query('q', 'SHOW MEASUREMENTS')).results[0].series[0].values).toEqual([
      ['cpu'],
      ['mem'],
    ]);
    const dbs = (await query('', 'SHOW DATABASES')).results[0].series[0].values.flat();
    expect(dbs).toEqual(expect.arrayContaining(['q', 'lp']));
    expect(dbs).not.toContain('_tasks');
    const raw = await query(
      'q',
      `SELECT v, host FROM cpu WHERE host = 'h1' AND v > 10 ORDER BY time DESC LIMIT 2`,
    );
    expect(raw.results[0].series[0]).toEqual({
      name: 'cpu',
      columns: ['time', 'v', 'host'],
      values: [
        ['2023-11-14T22:15:54Z', 19, 'h1'],
        ['2023-11-14T22:15:42Z', 17, 'h1'],
      ],
    });
  });

  it('keeps int64 values exact and honours epoch=', async () => {
    const res = await call(
      `/query?${new URLSearchParams({ db: 'q', q: 'SELECT max(n) FROM cpu', epoch: 'ns' })}`,
    );
    expect(res.text).toContain(`[[1700000040000000001,9223372036854775807]]`);
  });

  it('aggregates by time window and tag with fill()', async () => {
    const grouped = await query(
      'q',
      `SELECT mean(v), count(v) FROM cpu WHERE ${range} AND host = 'h1' GROUP BY time(1m), host`,
    );
    expect(grouped.results[0].series[0]).toEqual({
      name: 'cpu',
      tags: { host: 'h1' },
      columns: ['time', 'mean', 'count'],
      values: [
        ['2023-11-14T22:14:00Z', 5, 5],
        ['2023-11-14T22:15:00Z', 15, 5],
        ['2023-11-14T22:16:00Z', null, 0],
      ],
    });
    const none = await query(
      'q',
      `SELECT mean(v) FROM cpu WHERE ${range} AND host = 'h1' GROUP BY time(1m) fill(none)`,
    );
    expect(none.results[0].series[0].values).toHaveLength(2);
    const prev = await query(
      'q',
      `SELECT max(v) FROM cpu WHERE ${range} AND host='h1' GROUP BY time(1m) fill(previous)`,
    );
    expect(prev.results[0].series[0].values.at(-1)).toEqual(['2023-11-14T22:16:00Z', 19]);
    const selector = await query('q', `SELECT last(v) FROM cpu`);
    expect(selector.results[0].series[0].values).toEqual([['2023-11-14T22:16:48Z', 28]]);
  });

  it('reports unsupported InfluxQL and errors per statement, parse errors with 400', async () => {
    const res = await query(
      'q',
      `SELECT v FROM cpu WHERE host =~ /h/; SELECT count(v) FROM cpu; DROP MEASUREMENT cpu`,
    );
    expect(res.results[0].error).toMatch(/stand-in: regex conditions is not supported/);
    expect(res.results[1].series[0].values[0][1]).toBe(25); // h1 has no v from 22:16 on
    expect(res.results[2].error).toMatch(/stand-in/);
    expect((await query('nope', 'SELECT v FROM cpu')).results[0].error).toBe(
      'database not found: nope',
    );
    expect((await query('q', 'SELECT mean(v), v FROM cpu')).results[0].error).toBe(
      'mixing aggregate and non-aggregate queries is not supported',
    );
    const bad = await call(`/query?${new URLSearchParams({ db: 'q', q: 'SELEKT 1' })}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^error parsing query/);
    const form = await call('/query', {
      method: 'POST',
      body: new URLSearchParams({ db: 'q', q: 'SELECT count(used) FROM mem' }),
    });
    expect(form.json.results[0].series[0].values).toEqual([['1970-01-01T00:00:00Z', 1]]);
  });
});
