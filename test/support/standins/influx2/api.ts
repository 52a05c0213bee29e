/**
 * HTTP handlers of the InfluxDB 2 stand-in (test-only): orgs, buckets, writes and /query, with the
 * status codes and `{ code, message }` error bodies InfluxDB 2.7 OSS sends, so Keel's error
 * mapping is exercised against realistic failures rather than invented ones.
 */
import type { IncomingMessage } from 'node:http';
import { executeQuery } from './influxql-exec';
import type { Bucket } from './store';
import { bucketJson, isValidId, newBucket, writePoints } from './store';
import { parseLineProtocol, precisionNs } from './line-protocol';
import { epochUnitNs, nowNs, toJson } from './time';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiState {
  org: Org;
  /** Insertion order is creation order, which SHOW DATABASES reports. */
  buckets: Map<string, Bucket>;
}

export interface Reply {
  status: number;
  body?: unknown;
}

/** InfluxDB 2's error code strings for the statuses the stand-in produces. */
const CODES: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  413: 'request too large',
  422: 'unprocessable entity',
  429: 'too many requests',
  500: 'internal error',
  503: 'unavailable',
};

export function fail(status: number, message: string): Reply {
  return { status, body: { code: CODES[status] ?? 'internal error', message } };
}

const BAD_ID = fail(400, 'id must have a length of 16 bytes');

function orgJson(o: Org): Record<string, unknown> {
  const base = `/api/v2/orgs/${o.id}`;
  return {
    id: o.id,
    name: o.name,
    description: '',
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    links: {
      buckets: `/api/v2/buckets?org=${encodeURIComponent(o.name)}`,
      members: `${base}/members`,
      owners: `${base}/owners`,
      self: base,
      labels: `${base}/labels`,
      secrets: `${base}/secrets`,
    },
  };
}

/** Resolves the org named by `org` (a name) or `orgID`, as the write and bucket APIs do. */
function findOrg(s: ApiState, name: string | null, id: string | null): Org | Reply {
  if (id) {
    if (!isValidId(id)) return BAD_ID;
    return id === s.org.id ? s.org : fail(404, 'organization not found');
  }
  if (name) return name === s.org.name ? s.org : fail(404, `organization name "${name}" not found`);
  return fail(400, 'Please provide either orgID or org');
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'status' in x;
}

export function getOrgs(s: ApiState, q: URLSearchParams, id?: string): Reply {
  if (id !== undefined) {
    if (!isValidId(id)) return BAD_ID;
    return id === s.org.id
      ? { status: 200, body: orgJson(s.org) }
      : fail(404, 'organization not found');
  }
  const name = q.get('org');
  const orgID = q.get('orgID');
  if (!name && !orgID)
    return { status: 200, body: { links: { self: '/api/v2/orgs' }, orgs: [orgJson(s.org)] } };
  const org = findOrg(s, name, orgID);
  if (isReply(org)) return org;
  return { status: 200, body: { links: { self: '/api/v2/orgs' }, orgs: [orgJson(org)] } };
}

export function listBuckets(s: ApiState, q: URLSearchParams): Reply {
  const limit = Number(q.get('limit') ?? 20);
  const offset = Number(q.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return fail(400, 'limit must be between 1 and 100');
  }
  if (!Number.isInteger(offset) || offset < 0) return fail(400, 'offset must be >= 0');
  let buckets = [...s.buckets.values()];
  const orgID = q.get('orgID');
  const orgName = q.get('org');
  if (orgID || orgName) {
    const org = findOrg(s, orgName, orgID);
    if (isReply(org)) return org.status === 400 ? org : { status: 200, body: { buckets: [] } };
    buckets = buckets.filter((b) => b.orgID === org.id);
  }
  const name = q.get('name');
  if (name) buckets = buckets.filter((b) => b.name === name);
  const id = q.get('id');
  if (id) buckets = buckets.filter((b) => b.id === id);
  // InfluxDB lists an org's buckets through its (org, name) index, hence name order.
  buckets.sort((a, z) => (a.name < z.name ? -1 : a.name > z.name ? 1 : 0));
  const page = buckets.slice(offset, offset + limit);
  const self = `/api/v2/buckets?descending=false&limit=${limit}&offset=${offset}`;
  const next =
    page.length === limit
      ? { next: `/api/v2/buckets?descending=false&limit=${limit}&offset=${offset + limit}` }
      : {};
  return { status: 200, body: { links: { self, ...next }, buckets: page.map(bucketJson) } };
}

/**
 * Validates `retentionRules`: [] or absent means infinite; InfluxDB refuses a negative period
 * (422) and, from its storage layer, anything under an hour (500 with the storage message).
 */
function retentionSeconds(rules: unknown): number | Reply {
  if (rules === undefined || rules === null) return 0;
  if (!Array.isArray(rules)) return fail(400, 'retentionRules must be an array');
  const rule: unknown = rules[0];
  if (rule === undefined) return 0;
  const every = (rule as { everySeconds?: unknown }).everySeconds ?? 0;
  if (typeof every !== 'number' || !Number.isInteger(every)) {
    return fail(400, 'everySeconds must be an integer');
  }
  if (every < 0) return fail(422, 'expiration seconds cannot be negative');
  if (every > 0 && every < 3600) {
    return fail(500, 'retention policy duration must be at least 1h0m0s');
  }
  return every;
}

function parseJson(body: Buffer): Record<string, unknown> | Reply {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  return fail(400, 'failed to decode request body: invalid JSON object');
}

export function createBucket(s: ApiState, body: Buffer): Reply {
  const req = parseJson(body);
  if (isReply(req)) return req;
  const orgID = typeof req.orgID === 'string' ? req.orgID : '';
  if (!isValidId(orgID)) return fail(400, 'organization id must be provided');
  const every = retentionSeconds(req.retentionRules);
  if (isReply(every)) return every;
  const name = typeof req.name === 'string' ? req.name : '';
  if (name === '') return fail(400, 'bucket name is required');
  if (name.startsWith('_')) {
    return fail(422, `bucket name ${name} is invalid. Buckets may not start with underscore`);
  }
  if (orgID !== s.org.id) return fail(404, 'organization not found');
  if ([...s.buckets.values()].some((b) => b.orgID === orgID && b.name === name)) {
    return fail(409, `bucket with name ${name} already exists`);
  }
  const description = typeof req.description === 'string' ? req.description : '';
  const bucket = newBucket(orgID, name, every, 'user', description);
  s.buckets.set(bucket.id, bucket);
  return { status: 201, body: bucketJson(bucket) };
}

export function bucketById(s: ApiState, method: string, id: string, body: Buffer): Reply {
  if (!isValidId(id)) return BAD_ID;
  const bucket = s.buckets.get(id);
  if (!bucket) return fail(404, 'bucket not found');
  if (method === 'GET') return { status: 200, body: bucketJson(bucket) };
  if (method === 'DELETE') {
    if (bucket.type === 'system') return fail(400, 'system buckets cannot be deleted');
    s.buckets.delete(id);
    return { status: 204 };
  }
  if (method !== 'PATCH') return fail(405, 'method not allowed');
  const req = parseJson(body);
  if (isReply(req)) return req;
  let every = bucket.everySeconds;
  if ('retentionRules' in req) {
    const parsed = retentionSeconds(req.retentionRules);
    if (isReply(parsed)) return parsed;
    every = parsed;
  }
  const name = typeof req.name === 'string' ? req.name : bucket.name;
  if (name !== bucket.name) {
    if (bucket.type === 'system') return fail(400, 'system buckets cannot be renamed');
    if (name.startsWith('_')) {
      return fail(400, `bucket name ${name} is invalid. Buckets may not start with underscore`);
    }
    if ([...s.buckets.values()].some((b) => b.orgID === bucket.orgID && b.name === name)) {
      return fail(409, 'bucket name is not unique');
    }
  }
  bucket.name = name;
  bucket.everySeconds = every;
  if (typeof req.description === 'string') bucket.description = req.description;
  bucket.updatedAt = new Date().toISOString();
  return { status: 200, body: bucketJson(bucket) };
}

/**
 * POST /api/v2/write (and the v1-compatible /write, whose db/rp the caller has already mapped to
 * a bucket name). All-or-nothing on parse errors (400); partial on semantic drops (422).
 */
export function write(
  s: ApiState,
  q: URLSearchParams,
  body: Buffer,
  target: { bucket: string | null; precision: string },
): Reply {
  if (precisionNs(target.precision) === undefined) {
    return fail(400, 'invalid precision; valid precision units are ns, us, ms, and s');
  }
  if (!target.bucket) return fail(404, 'bucket not found');
  const org = findOrg(s, q.get('org'), q.get('orgID'));
  if (isReply(org)) return org;
  if (body.length === 0) return fail(400, 'writing requires points');
  const wanted = target.bucket;
  const bucket =
    [...s.buckets.values()].find((b) => b.orgID === org.id && b.id === wanted) ??
    [...s.buckets.values()].find((b) => b.orgID === org.id && b.name === wanted);
  if (!bucket) return fail(404, `bucket "${wanted}" not found`);
  const now = nowNs();
  const { points, errors } = parseLineProtocol(body.toString('utf8'), target.precision, now);
  if (errors.length > 0) return fail(400, errors.join('\n'));
  const partial = writePoints(bucket, points, now);
  return partial ? fail(422, partial) : { status: 204 };
}

/**
 * GET|POST /query, the v1-compatible InfluxQL endpoint: q/db/rp/epoch from the URL or a form
 * body. Returns the JSON text itself because int64 values must not pass through JS numbers.
 */
export function runQuery(
  s: ApiState,
  req: IncomingMessage,
  q: URLSearchParams,
  body: Buffer,
): Reply | string {
  const params = new URLSearchParams(q);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  } else if (type === 'application/vnd.influxql' && !params.get('q')) {
    params.set('q', body.toString('utf8'));
  }
  const text = params.get('q')?.trim();
  if (!text) return { status: 400, body: { error: 'missing required parameter "q"' } };
  const accept = req.headers.accept ?? '';
  if (/csv/.test(accept) && !/json|\*\/\*/.test(accept)) {
    return {
      status: 400,
      body: {
        error: 'InfluxDB 2 stand-in: CSV responses are not supported by this test stand-in',
      },
    };
  }
  const epochNs = epochUnitNs(params.get('epoch') ?? '');
  const db = params.get('db') || undefined;
  const rp = params.get('rp') || undefined;
  try {
    const results = executeQuery(text, {
      buckets: [...s.buckets.values()],
      db,
      rp,
      epochNs,
      now: nowNs(),
    });
    return toJson({ results });
  } catch (err) {
    return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
  }
}
