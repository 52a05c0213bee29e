import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { JobRecord } from '../../shared/jobs';
import type { JobContext } from '../../electron/main/services/jobs/types';
import { getMongoTarget, type MongoTarget, type StandInVersion } from './standins/mongo/index';
import {
  startInfluxDb,
  startMariaDb,
  startRedis,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from './index';

/**
 * A platform for tenant tests: private MariaDB, Redis and InfluxDB 1.x, MongoDB (real when
 * KEEL_TEST_MONGO_URL is set, else the test-only stand-in), and a Keel core on them.
 */
export interface TenantPlatform {
  db: MariaDbHandle;
  redis: RedisHandle;
  influx: InfluxDbHandle;
  mongo: MongoTarget;
  env: NodeJS.ProcessEnv;
  home: string;
  core: Core;
  redisClient: Redis;
  mongoClient: MongoClient;
  call<T>(method: string, input: unknown): Promise<T>;
  /** Call and return the error shape (throws if the call succeeded). */
  refused(method: string, input: unknown): Promise<{ code: string; message: string }>;
  /** Start a job through the contract and wait for its final record. */
  job(method: string, input: unknown): Promise<JobRecord>;
  /** Everything of a tenant in every store (empty when nothing of it remains). */
  footprint(id: string): Promise<Record<string, unknown[]>>;
  /** Counts of everything in the stores, to prove a refused request touched nothing. */
  census(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Before the blueprint is applied the catalog does not exist: that, and only that, is empty. */
const noCatalogYet = (e: unknown): never[] => {
  const errno = (e as { errno?: number }).errno;
  if (errno === 1049 || errno === 1146) return []; // ER_BAD_DB_ERROR, ER_NO_SUCH_TABLE
  throw e;
};

export const JOB_THREAD = join(process.cwd(), 'out/main/job-thread.js');

export const userCtx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

export async function startTenantPlatform(
  name: string,
  work = true,
  opts: { mongoVersion?: StandInVersion } = {},
): Promise<TenantPlatform> {
  const [db, redis, influx, mongo] = await Promise.all([
    startMariaDb({ name }),
    startRedis({ name }),
    startInfluxDb({ name }),
    getMongoTarget(opts.mongoVersion),
  ]);
  const env: NodeJS.ProcessEnv = {
    KEEL_ENV_ID: 'plat',
    KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
    KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/`,
    KEEL_CONN_DOCS_URI: mongo.url,
    KEEL_CONN_DOCS_ROLE: 'business_db',
    // A second connection to the same server, reserved for one tenant (dedicated instance).
    KEEL_CONN_INITECH_URI: `mysql://root@127.0.0.1:${db.port}/`,
    KEEL_CONN_INITECH_ROLE: 'tenant:initech',
    KEEL_JOBS_PROGRESS_MS: '100',
    // No background usage pass at a quarter hour in the middle of a test (quota tests run it).
    KEEL_USAGE_SCHEDULE: 'off',
  };
  const home = await mkdtemp(join(tmpdir(), `keel-${name}-`));
  const core = await createCore({
    shell: 'server',
    version: 't',
    userDataDir: home,
    cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
    logger: silentLogger(),
    env,
    work,
    // Long jobs (bulk provisioning) on worker threads, as in the shells, once the build exists.
    ...(existsSync(JOB_THREAD) && { jobThreadFile: JOB_THREAD }),
  });
  const redisClient = new Redis({ port: redis.port, lazyConnect: true });
  await redisClient.connect();
  const mongoClient = await MongoClient.connect(mongo.url, { serverSelectionTimeoutMS: 3000 });

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await core.router.dispatch(method, input, userCtx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  };
  const refused = async (method: string, input: unknown) => {
    const r = await core.router.dispatch(method, input, userCtx);
    if (r.ok) throw new Error(`${method} was accepted: ${JSON.stringify(r.value).slice(0, 200)}`);
    return r.error;
  };
  const job = async (method: string, input: unknown): Promise<JobRecord> => {
    const rec = await call<JobRecord>(method, input);
    return core.services.jobs.wait(rec.id);
  };
  const footprint = async (id: string): Promise<Record<string, unknown[]>> => {
    const [schemas, rows, journal, colls, acl, keys, buckets] = await Promise.all([
      db.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
        `tenant_${id}`,
      ]),
      db
        .query('SELECT id, status FROM saas_unified_core.tenants WHERE id = ?', [id])
        .catch(noCatalogYet),
      db
        .query('SELECT step_key FROM saas_unified_core.tenant_provision_step WHERE tenant_id = ?', [
          id,
        ])
        .catch(noCatalogYet),
      mongoClient
        .db('business_db')
        .listCollections({ name: { $regex: `^tenant_${id}_` } }, { nameOnly: true })
        .toArray(),
      redisClient.call('ACL', 'GETUSER', `tenant_${id}`).then((u) => (u ? [u] : [])),
      redisClient
        .select(1)
        .then(async () => [
          ...(await redisClient.keys(`t:${id}:*`)),
          ...(await redisClient.keys(`keel:tenant:${id}:*`)),
        ]),
      influx
        .query('SHOW DATABASES')
        .then((r) =>
          ((r.results?.[0]?.series?.[0]?.values ?? []) as string[][])
            .map((v) => v[0])
            .filter((n) => n === `tenant_${id}`),
        ),
    ]);
    await redisClient.select(0);
    return { schemas, rows, journal, colls, acl, keys, buckets };
  };
  const census = async (): Promise<Record<string, number>> => {
    const [schemas, tenants, colls, acl, keys, buckets] = await Promise.all([
      db.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA'),
      db.query('SELECT COUNT(*) AS n FROM saas_unified_core.tenants').catch(() => [{ n: -1 }]),
      mongoClient.db('business_db').listCollections({}, { nameOnly: true }).toArray(),
      redisClient.call('ACL', 'USERS') as Promise<string[]>,
      redisClient.select(1).then(() => redisClient.dbsize()),
      influx.query('SHOW DATABASES'),
    ]);
    await redisClient.select(0);
    return {
      schemas: Number(schemas[0]?.n),
      tenants: Number(tenants[0]?.n),
      collections: colls.length,
      aclUsers: acl.length,
      keys,
      buckets: (buckets.results?.[0]?.series?.[0]?.values ?? []).length,
    };
  };
  return {
    db,
    redis,
    influx,
    mongo,
    env,
    home,
    core,
    redisClient,
    mongoClient,
    call,
    refused,
    job,
    footprint,
    census,
    async stop() {
      redisClient.disconnect();
      await mongoClient.close().catch(() => undefined);
      await core.dispose();
      await Promise.all([db.stop(), redis.stop(), influx.stop(), mongo.stop()]);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** True when every part of a footprint is empty. */
export const nothingLeft = (f: Record<string, unknown[]>): boolean =>
  Object.values(f).every((v) => v.length === 0);

/** A job context for calling the tenants service directly (fault injection), as a runner gives. */
export function directJob(signal = new AbortController().signal): JobContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    id: `direct-${Math.random().toString(36).slice(2)}`,
    runKey: 'direct',
    attempt: 1,
    actor: { type: 'user', name: 'fault@test' },
    queuedAt: new Date().toISOString(),
    signal,
    progress: () => undefined,
    log: (_l, msg) => void lines.push(msg),
    lines,
  };
}
