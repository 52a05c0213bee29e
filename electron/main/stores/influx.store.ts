import http from 'node:http';
import https from 'node:https';
import { InfluxDB } from '@influxdata/influxdb-client';
import { KeelError } from '../../../shared/errors';
import type { PoolStats } from '../../../shared/models/health';
import { agentStats, httpRequest, type HttpResponse } from './http';
import {
  addressOf,
  type CallOptions,
  type EndpointName,
  type ProbeFacts,
  type StoreClient,
  type StoreClientInit,
} from './types';
import { BaseStore, type GuardedCall } from './base-store';

/** What `/ping` tells about the server, and what Keel may use because of it. */
export interface InfluxServer {
  version: string;
  build: string;
  major: number;
  /** `/api/v2/write` exists (1.8+, 2.x, 3.x). */
  v2Write: boolean;
  /** Buckets are managed by the v2 API (2.x); 1.x uses InfluxQL databases and retention policies. */
  v2Buckets: boolean;
}

export interface InfluxQlResult {
  statement_id: number;
  error?: string;
  series?: Array<{
    name: string;
    tags?: Record<string, string>;
    columns: string[];
    values: unknown[][];
  }>;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** InfluxQL identifier quoting; names are also checked against a strict pattern first. */
export function quoteIdent(name: string): string {
  if (!NAME.test(name))
    throw new KeelError('VALIDATION', `not a valid InfluxDB name: ${JSON.stringify(name)}`);
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * InfluxDB 1.x / 2.x / 3.x over HTTP. Reads use InfluxQL on `/query` (served by all three);
 * writes use the official client's WriteApi where `/api/v2/write` exists and v1 `/write` otherwise.
 */
export class InfluxStore extends BaseStore implements StoreClient {
  readonly kind = 'influxdb' as const;
  private readonly agent: http.Agent;
  private server: InfluxServer | undefined;

  constructor(init: StoreClientInit) {
    super(init);
    const c = init.connection;
    const Agent = c.tls.enabled ? https.Agent : http.Agent;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: c.pool.max,
      maxFreeSockets: Math.max(1, c.pool.min),
      timeout: c.pool.idleTimeoutMs,
      ...(c.tls.enabled && {
        rejectUnauthorized: c.tls.verify,
        ...(c.tls.ca && { ca: c.tls.ca }),
        ...(c.tls.cert && { cert: c.tls.cert }),
        ...(init.secret?.tlsKey && { key: init.secret.tlsKey }),
      }),
    });
    // Count sockets the agent opens: the pool's "created" statistic.
    const open = this.agent.createConnection.bind(this.agent);
    this.agent.createConnection = ((...args: Parameters<typeof open>) => {
      this.created++;
      return open(...args);
    }) as typeof open;
  }

  get baseUrl(): URL {
    return new URL(
      `${this.connection.tls.enabled ? 'https' : 'http'}://${addressOf(this.connection)}/`,
    );
  }

  /** Detect the server from `/ping` headers (cached after the first success). */
  async detect(opts: CallOptions = {}): Promise<InfluxServer> {
    if (this.server) return this.server;
    await this.probe('primary', opts);
    return this.server as unknown as InfluxServer;
  }

  async probe(endpoint: EndpointName, opts: CallOptions = {}): Promise<ProbeFacts> {
    if (endpoint === 'replica') throw new Error('InfluxDB has no replica endpoint');
    const timeoutMs = this.probeTimeout(opts);
    return this.run({ ...opts, timeoutMs, probe: true }, async (signal) => {
      const t0 = performance.now();
      const res = await this.request('GET', 'ping', signal, { auth: false });
      const latencyMs = performance.now() - t0;
      if (res.status !== 204 && res.status !== 200) throw httpError(res, 'ping');
      this.server = describe(res);
      return { latencyMs, version: this.server.version, serverRole: 'standalone' };
    });
  }

  /** InfluxQL over `/query`. Statement errors come back per statement, as the server sends them. */
  async query(
    q: string,
    params: { db?: string; rp?: string; epoch?: 'ms' | 's' | 'ns' } = {},
    opts: CallOptions = {},
  ): Promise<InfluxQlResult[]> {
    return (JSON.parse(await this.queryText(q, params, opts)) as { results: InfluxQlResult[] })
      .results;
  }

  /**
   * InfluxQL over `/query`, the response body as the server sent it (JSON text): for readers that
   * must keep 64-bit integers and nanosecond times exact, which JSON.parse would round.
   */
  async queryText(
    q: string,
    params: { db?: string; rp?: string; epoch?: 'ms' | 's' | 'ns' } = {},
    opts: CallOptions = {},
  ): Promise<string> {
    return this.run(opts, async (signal) => {
      const body = new URLSearchParams({ q, ...params }).toString();
      const res = await this.request('POST', 'query', signal, {
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      if (res.status !== 200) throw httpError(res, 'query');
      return res.body;
    });
  }

  /** Write line-protocol lines to a database (1.x) or bucket (2.x, 3.x). */
  async writeLines(
    target: { db: string; rp?: string },
    lines: string[],
    opts: CallOptions = {},
  ): Promise<void> {
    if (lines.length === 0) return;
    const server = await this.detect(opts);
    await this.run(opts, async (signal) => {
      if (server.v2Write) return this.writeV2(server, target, lines, signal);
      const qs = new URLSearchParams({
        db: target.db,
        precision: 'ns',
        ...(target.rp && { rp: target.rp }),
      });
      const res = await this.request('POST', `write?${qs}`, signal, { body: lines.join('\n') });
      if (res.status !== 204) throw httpError(res, 'write');
    });
  }

  /** Create a database / bucket with a retention if it is missing (idempotent). */
  async ensureDatabase(name: string, retentionSec: number, opts: CallOptions = {}): Promise<void> {
    const server = await this.detect(opts);
    if (server.major === 3) {
      throw new KeelError('UNSUPPORTED', 'managing databases on InfluxDB 3 is not supported yet');
    }
    if (!server.v2Buckets) {
      const dur = retentionSec === 0 ? 'INF' : `${retentionSec}s`;
      const r = await this.query(
        `CREATE DATABASE ${quoteIdent(name)} WITH DURATION ${dur} NAME "keel"`,
        {},
        opts,
      );
      if (r[0]?.error) throw new KeelError('SERVER_ERROR', r[0].error);
      return;
    }
    await this.run(opts, async (signal) => {
      const orgID = await this.orgId(signal);
      const found = await this.request(
        'GET',
        `api/v2/buckets?${new URLSearchParams({ name, orgID })}`,
        signal,
      );
      if (found.status !== 200) throw httpError(found, 'list buckets');
      if ((JSON.parse(found.body) as { buckets: unknown[] }).buckets.length > 0) return;
      const rules = retentionSec === 0 ? [] : [{ type: 'expire', everySeconds: retentionSec }];
      const res = await this.request('POST', 'api/v2/buckets', signal, {
        body: JSON.stringify({ orgID, name, retentionRules: rules }),
        headers: { 'Content-Type': 'application/json' },
      });
      if (res.status !== 201 && res.status !== 409) throw httpError(res, 'create bucket');
    });
  }

  /** Whether a database (1.x) / bucket (2.x) exists. */
  async databaseExists(name: string, opts: CallOptions = {}): Promise<boolean> {
    const server = await this.detect(opts);
    if (!server.v2Buckets) {
      const r = await this.query('SHOW DATABASES', {}, opts);
      if (r[0]?.error) throw new KeelError('SERVER_ERROR', r[0].error);
      return (r[0]?.series?.[0]?.values ?? []).some((v) => v[0] === name);
    }
    return (await this.bucketId(name, opts)) !== undefined;
  }

  /** Drop a database (1.x) / bucket (2.x) and its data; a missing one is not an error. */
  async dropDatabase(name: string, opts: CallOptions = {}): Promise<void> {
    const server = await this.detect(opts);
    if (!server.v2Buckets) {
      const r = await this.query(`DROP DATABASE ${quoteIdent(name)}`, {}, opts);
      if (r[0]?.error) throw new KeelError('SERVER_ERROR', r[0].error);
      return;
    }
    const id = await this.bucketId(name, opts);
    if (id === undefined) return;
    await this.run(opts, async (signal) => {
      const res = await this.request('DELETE', `api/v2/buckets/${encodeURIComponent(id)}`, signal);
      if (res.status !== 204 && res.status !== 404) throw httpError(res, 'delete bucket');
    });
  }

  private async bucketId(name: string, opts: CallOptions): Promise<string | undefined> {
    return this.run(opts, async (signal) => {
      const orgID = await this.orgId(signal);
      const res = await this.request(
        'GET',
        `api/v2/buckets?${new URLSearchParams({ name, orgID })}`,
        signal,
      );
      if (res.status !== 200) throw httpError(res, 'list buckets');
      return (JSON.parse(res.body) as { buckets: Array<{ id: string }> }).buckets[0]?.id;
    });
  }

  stats(): PoolStats {
    return { ...agentStats(this.agent), created: this.created, errors: this.errors };
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private async writeV2(
    server: InfluxServer,
    target: { db: string; rp?: string },
    lines: string[],
    signal: AbortSignal,
  ): Promise<void> {
    const bucket = server.major === 1 ? `${target.db}/${target.rp ?? ''}` : target.db;
    const influx = new InfluxDB({
      url: this.baseUrl.toString().replace(/\/$/, ''),
      token: this.authToken(server),
      timeout: this.connection.timeouts.operationMs,
      transportOptions: { agent: this.agent },
    });
    const api = influx.getWriteApi(this.connection.org ?? '-', bucket, 'ns', {
      batchSize: lines.length + 1,
      flushInterval: 0,
      maxRetries: 0,
    });
    const onAbort = (): void => void api.dispose();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      api.writeRecords(lines);
      await api.close();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private authToken(server: InfluxServer): string | undefined {
    if (server.major === 1)
      return this.connection.user
        ? `${this.connection.user}:${this.secret?.password ?? ''}`
        : undefined;
    return this.secret?.token ?? this.secret?.password;
  }

  private async orgId(signal: AbortSignal): Promise<string> {
    const org = this.connection.org;
    if (!org)
      throw new KeelError(
        'VALIDATION',
        'InfluxDB 2 needs an organisation in the connection settings',
      );
    const res = await this.request('GET', `api/v2/orgs?${new URLSearchParams({ org })}`, signal);
    if (res.status !== 200) throw httpError(res, 'find organisation');
    const id = (JSON.parse(res.body) as { orgs: Array<{ id: string }> }).orgs[0]?.id;
    if (!id) throw new KeelError('NOT_FOUND', `InfluxDB organisation ${org} not found`);
    return id;
  }

  private request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    signal: AbortSignal,
    o: { body?: string; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.auth !== false) {
      const c = this.connection;
      const token = this.secret?.token;
      if (token) headers.Authorization = `Token ${token}`;
      else if (c.user)
        headers.Authorization = `Basic ${Buffer.from(`${c.user}:${this.secret?.password ?? ''}`).toString('base64')}`;
    }
    return httpRequest({
      method,
      url: new URL(path, this.baseUrl),
      headers,
      ...(o.body !== undefined && { body: o.body }),
      signal,
      agent: this.agent,
    });
  }

  private run<R>(opts: GuardedCall, fn: (signal: AbortSignal) => Promise<R>): Promise<R> {
    return this.call('primary', opts, (c) => fn(c.signal));
  }
}

function describe(res: HttpResponse): InfluxServer {
  const version = String(res.headers['x-influxdb-version'] ?? 'unknown').replace(/^v/, '');
  const build = String(res.headers['x-influxdb-build'] ?? '');
  const [maj, min] = version.split('.').map((n) => Number.parseInt(n, 10));
  const major = Number.isFinite(maj) ? (maj as number) : 1;
  const minor = Number.isFinite(min) ? (min as number) : 0;
  return {
    version,
    build,
    major,
    v2Write: major >= 2 || (major === 1 && minor >= 8),
    v2Buckets: major === 2,
  };
}

/** HTTP status → error code, with the server's own message. */
function httpError(res: HttpResponse, what: string): KeelError {
  let msg = res.body.slice(0, 500);
  try {
    const j = JSON.parse(res.body) as { message?: string; error?: string };
    msg = j.message ?? j.error ?? msg;
  } catch {
    // not JSON: keep the text
  }
  const code =
    res.status === 401
      ? 'AUTH_FAILED'
      : res.status === 403
        ? 'PERMISSION_DENIED'
        : res.status === 404
          ? 'NOT_FOUND'
          : res.status === 400 || res.status === 422
            ? 'VALIDATION'
            : 'SERVER_ERROR';
  return new KeelError(code, `InfluxDB ${what} failed (HTTP ${res.status}): ${msg}`, {
    status: res.status,
  });
}
