/**
 * TEST-ONLY stand-in for an InfluxDB 2.7 OSS HTTP API. CI can only install InfluxDB 1.6, yet Keel
 * must also drive 2.x servers (ping detection, /api/v2/write, v1-compat /query, bucket API). This
 * in-process server speaks the subset Keel uses with 2.7's shapes and errors. It is never shipped;
 * set KEEL_TEST_INFLUX2_URL (+ _TOKEN, _ORG) to run the same suite against a real InfluxDB 2.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ApiState, Reply } from './api';
import { bucketById, createBucket, fail, getOrgs, listBuckets, runQuery, write } from './api';
import type { StoredPoint } from './store';
import { listPoints, newBucket, newId } from './store';
import { toJson } from './time';

export type { StoredPoint } from './store';

export const STANDIN_VERSION = 'v2.7.11';

export interface Influx2StandIn {
  url: string;
  host: string;
  port: number;
  token: string;
  org: string;
  orgId: string;
  kind: 'standin';
  /** Points stored in the bucket with this name (or id), oldest first; [] for unknown buckets. */
  points(bucket: string): StoredPoint[];
  /** Every request received, in order, with the status it was answered with. */
  requests: Array<{ method: string; path: string; status: number }>;
  /** Answers the next `n` write requests with `status` before touching them (retry tests). */
  failNextWrites(n: number, status?: number): void;
  /** Closes the listener and destroys open sockets at once, like a crashed server. */
  kill(): Promise<void>;
  /** Listens again on the same port; buckets and points are kept. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface Influx2Target {
  url: string;
  token: string;
  org: string;
  kind: 'real' | 'standin';
  /** Present only for the stand-in, for the tests that need its test hooks. */
  standIn?: Influx2StandIn;
  stop(): Promise<void>;
}

const gunzipAsync = promisify(gunzip);
const UNAUTHORIZED = fail(401, 'unauthorized access');

/** Token from `Authorization: Token|Bearer <t>`, Basic auth's password, or v1's `p` parameter. */
function presentedToken(
  req: http.IncomingMessage,
  q: URLSearchParams,
  v1: boolean,
): string | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^(Token|Bearer)\s+(.+)$/i.exec(header);
  if (m) return m[2]?.trim();
  if (v1 && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return v1 ? (q.get('p') ?? undefined) : undefined;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | Reply> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if ((req.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return raw;
  try {
    return await gunzipAsync(raw);
  } catch {
    return fail(400, 'gzipped HTTP body contains an invalid header');
  }
}

export async function startInflux2StandIn(
  opts: { token?: string; org?: string } = {},
): Promise<Influx2StandIn> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const created = new Date().toISOString();
  const org = { id: newId(), name: opts.org ?? 'keel', createdAt: created, updatedAt: created };
  const state: ApiState = { org, buckets: new Map() };
  // A fresh InfluxDB 2 has these two system buckets; Keel's bucket list must cope with them.
  for (const [name, every] of [
    ['_monitoring', 604_800],
    ['_tasks', 259_200],
  ] as const) {
    const b = newBucket(org.id, name, every, 'system');
    state.buckets.set(b.id, b);
  }
  const requests: Influx2StandIn['requests'] = [];
  const failures = { remaining: 0, status: 503 };

  async function route(req: http.IncomingMessage, url: URL): Promise<Reply | string> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    if (path === '/ping')
      return method === 'GET' || method === 'HEAD'
        ? { status: 204 }
        : fail(405, 'method not allowed');
    if (path === '/health') {
      return {
        status: 200,
        body: {
          name: 'influxdb',
          message: 'ready for queries and writes',
          status: 'pass',
          checks: [],
          version: STANDIN_VERSION,
          commit: 'keel-test-standin',
        },
      };
    }
    if (path === '/ready')
      return { status: 200, body: { status: 'ready', started: created, up: '0s' } };
    const v1 = path === '/query' || path === '/write';
    if (presentedToken(req, q, v1) !== token) return UNAUTHORIZED;
    const body = await readBody(req);
    if (!Buffer.isBuffer(body)) return body;
    const isWrite = path === '/api/v2/write' || path === '/write';
    if (isWrite && method === 'POST' && failures.remaining > 0) {
      failures.remaining--;
      return fail(failures.status, 'InfluxDB 2 stand-in: injected write failure');
    }
    if (path === '/api/v2/orgs' && method === 'GET') return getOrgs(state, q);
    const orgMatch = /^\/api\/v2\/orgs\/([^/]+)$/.exec(path);
    if (orgMatch && method === 'GET') return getOrgs(state, q, orgMatch[1]);
    if (path === '/api/v2/buckets') {
      if (method === 'GET') return listBuckets(state, q);
      if (method === 'POST') return createBucket(state, body);
      return fail(405, 'method not allowed');
    }
    const bucketMatch = /^\/api\/v2\/buckets\/([^/]+)$/.exec(path);
    if (bucketMatch) return bucketById(state, method, bucketMatch[1] ?? '', body);
    if (isWrite) {
      if (method !== 'POST') return fail(405, 'method not allowed');
      if (path === '/api/v2/write') {
        const target = { bucket: q.get('bucket'), precision: q.get('precision') || 'ns' };
        return write(state, q, body, target);
      }
      // v1 /write: db/rp name the bucket through the virtual DBRP mapping; org is the token's.
      const rp = q.get('rp');
      const db = q.get('db');
      const precision =
        { n: 'ns', u: 'us' }[q.get('precision') ?? ''] ?? (q.get('precision') || 'ns');
      const bucket = db && rp && rp !== 'autogen' ? `${db}/${rp}` : db;
      return write(state, new URLSearchParams({ orgID: org.id }), body, { bucket, precision });
    }
    if (path === '/query') {
      if (method !== 'GET' && method !== 'POST') return fail(405, 'method not allowed');
      return runQuery(state, req, q, body);
    }
    return fail(404, 'path not found');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const entry = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
    requests.push(entry);
    let reply: Reply | string;
    try {
      reply = await route(req, url);
    } catch (err) {
      reply = fail(500, `InfluxDB 2 stand-in internal error: ${String(err)}`);
    }
    const json =
      typeof reply === 'string' ? reply : reply.body === undefined ? undefined : toJson(reply.body);
    entry.status = typeof reply === 'string' ? 200 : reply.status;
    res.statusCode = entry.status;
    res.setHeader('X-Influxdb-Build', 'OSS');
    res.setHeader('X-Influxdb-Version', STANDIN_VERSION);
    if (json === undefined || req.method === 'HEAD') {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(json);
  }

  const sockets = new Set<Socket>();
  let server: http.Server | undefined;
  let port = 0;

  async function listen(): Promise<void> {
    const s = http.createServer((req, res) => void handle(req, res));
    s.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen({ host: '127.0.0.1', port }, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const address = s.address();
    if (address === null || typeof address === 'string')
      throw new Error('stand-in: no TCP address');
    port = address.port;
    server = s;
  }

  async function kill(): Promise<void> {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    await closed;
  }

  await listen();
  const host = '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    token,
    org: org.name,
    orgId: org.id,
    kind: 'standin',
    points(bucket) {
      const b = [...state.buckets.values()].find((x) => x.name === bucket || x.id === bucket);
      return b ? listPoints(b) : [];
    },
    requests,
    failNextWrites(n, status = 503) {
      failures.remaining = n;
      failures.status = status;
    },
    kill,
    async restart() {
      await kill();
      // A real restart takes a while; give in-process clients a moment to see their pooled
      // sockets close, or they would reuse a dead keep-alive connection on the new listener.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await listen();
    },
    stop: kill,
  };
}

/** A real InfluxDB 2 when KEEL_TEST_INFLUX2_URL is set, otherwise a fresh stand-in. */
export async function getInflux2Target(): Promise<Influx2Target> {
  const url = process.env.KEEL_TEST_INFLUX2_URL;
  if (url) {
    const token = process.env.KEEL_TEST_INFLUX2_TOKEN;
    const org = process.env.KEEL_TEST_INFLUX2_ORG;
    if (!token || !org) {
      throw new Error(
        'KEEL_TEST_INFLUX2_URL needs KEEL_TEST_INFLUX2_TOKEN and KEEL_TEST_INFLUX2_ORG',
      );
    }
    return { url: url.replace(/\/+$/, ''), token, org, kind: 'real', stop: async () => {} };
  }
  const standIn = await startInflux2StandIn();
  return {
    url: standIn.url,
    token: standIn.token,
    org: standIn.org,
    kind: 'standin',
    standIn,
    stop: standIn.stop,
  };
}
