import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  startInfluxDb,
  startMariaDb,
  startRedis,
  waitFor,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from '../support';
import { CLI, requireCli } from '../support/agent';
import {
  startMongoStandIn,
  withCredentials,
  type MongoStandIn,
} from '../support/standins/mongo/index';

/**
 * Secrets never leak, checked where an operator or another program would see them: the
 * stdout / stderr of `keel serve`, `keel agent` and the CLI, the job records and audit rows in the
 * core database, and every WebSocket frame (results, error frames, job events). Each secret has
 * characters a URL must encode, so it is looked for raw and URL-encoded. The work done with them:
 * provision a tenant, a provisioning that fails on a wrong password, a suspend, a health probe of
 * a store that refuses the password. MongoDB is Keel's TEST-ONLY stand-in, with auth (SCRAM).
 */
const CORE_PW = 'C0re@Pass%40:/?#[]';
const REDIS_PW = 'R3dis@Pass%40 x';
const MONGO_PW = 'M0ngo@Pa:ss/%40';
const INFLUX_TOKEN = 'infl-T0ken@%40/+=';
const SERVER_TOKEN = 'srv-T0ken-%40-0123456789abcdef';
const WRONG_PW = 'Wr0ng@Inst%40nce';
const SECRETS = { CORE_PW, REDIS_PW, MONGO_PW, INFLUX_TOKEN, SERVER_TOKEN, WRONG_PW };

interface Proc {
  proc: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function spawnKeel(args: string[], env: NodeJS.ProcessEnv, home: string): Proc {
  const proc = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env, KEEL_HOME: home, KEEL_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout?.on('data', (d) => (out.stdout += String(d)));
  proc.stderr?.on('data', (d) => (out.stderr += String(d)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return { proc, out, exited };
}

describe('secrets never leak from serve, agent or the CLI (real processes)', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let influx: InfluxDbHandle;
  let mongo: MongoStandIn;
  let env: NodeJS.ProcessEnv;
  const homes: string[] = [];
  const procs: Proc[] = [];
  /** name → text seen there */
  const seen = new Map<string, string>();

  const home = async (name: string): Promise<string> => {
    const h = await mkdtemp(join(tmpdir(), `keel-leak-${name}-`));
    homes.push(h);
    return h;
  };

  /** A CLI run to its end (this process is no worker: serve and the agent are). */
  const cli = async (
    name: string,
    args: string[],
  ): Promise<{ code: number | null; stdout: string }> => {
    const p = spawnKeel(['--json', ...args], env, await home(name));
    const timer = setTimeout(() => p.proc.kill('SIGKILL'), 180_000);
    const code = await p.exited;
    clearTimeout(timer);
    seen.set(`cli ${name} stdout`, p.out.stdout);
    seen.set(`cli ${name} stderr`, p.out.stderr);
    return { code, stdout: p.out.stdout };
  };

  beforeAll(async () => {
    requireCli();
    [db, redis, influx, mongo] = await Promise.all([
      startMariaDb({ name: 'leak' }),
      startRedis({ name: 'leak', password: REDIS_PW }),
      startInfluxDb({ name: 'leak' }),
      startMongoStandIn({ users: [{ user: 'keel', password: MONGO_PW }] }),
    ]);
    await db.query(`CREATE USER 'keel'@'127.0.0.1' IDENTIFIED BY ?`, [CORE_PW]);
    await db.query(`GRANT ALL PRIVILEGES ON *.* TO 'keel'@'127.0.0.1' WITH GRANT OPTION`);
    env = {
      KEEL_ENV_ID: 'plat',
      KEEL_SERVER_TOKEN: SERVER_TOKEN,
      KEEL_CONN_CORE_URI: `mysql://keel@127.0.0.1:${db.port}/`,
      KEEL_CONN_CORE_PASSWORD: CORE_PW,
      KEEL_CONN_CACHE_URI: `redis://:${encodeURIComponent(REDIS_PW)}@127.0.0.1:${redis.port}/0`,
      KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/`,
      KEEL_CONN_METRICS_TOKEN: INFLUX_TOKEN,
      KEEL_CONN_DOCS_URI: withCredentials(mongo.url, 'keel', MONGO_PW),
      KEEL_CONN_DOCS_ROLE: 'business_db',
      // The instance reserved for one tenant refuses Keel: its provisioning fails.
      KEEL_CONN_INITECH_URI: `mysql://keel:${encodeURIComponent(WRONG_PW)}@127.0.0.1:${db.port}/`,
      KEEL_CONN_INITECH_ROLE: 'tenant:initech',
      KEEL_JOBS_PROGRESS_MS: '100',
      KEEL_MONITOR_INTERVAL_MS: '1000',
    };
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
    await Promise.all([db?.stop(), redis?.stop(), influx?.stop(), mongo?.stop()]);
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });

  it(
    'provisions, fails and suspends through all three shells and shows no secret anywhere',
    { timeout: 600_000 },
    async () => {
      const agent = spawnKeel(
        ['agent', '--health-port', '0', '--grace', '5'],
        env,
        await home('agent'),
      );
      const server = spawnKeel(['serve', '--port', '0', '--json'], env, await home('serve'));
      procs.push(agent, server);
      await waitFor(() => agent.out.stdout.includes('keel agent started'), { timeoutMs: 60_000 });
      await waitFor(() => server.out.stdout.includes('"url"'), { timeoutMs: 60_000 });
      const url = (JSON.parse(server.out.stdout.split('\n')[0]!) as { url: string }).url;

      // The CLI: the catalog, one tenant made, one that fails on a wrong password, a suspend, health.
      expect((await cli('blueprint', ['tenants', 'apply-blueprint', '-e', 'plat'])).code).toBe(0);
      const made = await cli('provision', [
        'tenants',
        'provision',
        'acme',
        '-e',
        'plat',
        '--name',
        'Acme',
        '--plan',
        'free',
      ]);
      expect(made.code, made.stdout).toBe(0);
      const failed = await cli('fail', [
        'tenants',
        'provision',
        'initech',
        '-e',
        'plat',
        '--name',
        'Initech',
        '--plan',
        'enterprise',
        '--tier',
        'dedicated_instance',
        '--instance',
        'initech',
      ]);
      expect(failed.code, failed.stdout).toBe(1);
      const suspended = await cli('suspend', [
        'call',
        'tenants.suspend',
        '{"envId":"plat","tenantId":"acme","reason":"overdue"}',
        '--yes',
      ]);
      expect(suspended.code, suspended.stdout).toBe(0);
      expect((await cli('health', ['health', '-e', 'plat'])).code).toBe(1); // initech refuses

      // The WebSocket of `keel serve`: every frame, results, error frames and job events.
      const frames: string[] = [];
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
        headers: { Authorization: `Bearer ${SERVER_TOKEN}` },
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.on('message', (d) => frames.push(String(d)));
      const results = new Map<number, { ok: boolean; value?: { id?: string; state?: string } }>();
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string; id?: number; result?: never };
        if (m.type === 'result' && m.id !== undefined) results.set(m.id, m.result!);
      });
      const invoke = async (id: number, method: string, input: unknown) => {
        ws.send(JSON.stringify({ type: 'invoke', id, method, input }));
        await waitFor(() => results.has(id), { timeoutMs: 60_000 });
        return results.get(id)!;
      };
      for (const topic of ['jobs.progress', 'jobs.updated'])
        ws.send(JSON.stringify({ type: 'subscribe', topic }));
      const spec = {
        id: 'initech',
        name: 'Initech',
        plan: 'enterprise',
        tier: 'dedicated_instance',
        instanceConnectionId: 'initech',
      };
      const started = await invoke(1, 'tenants.provision', { envId: 'plat', spec });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const jobId = started.value!.id!;
      let poll = 100;
      await waitFor(
        async () => {
          const r = await invoke((poll += 1), 'jobs.get', { id: jobId });
          return r.ok && ['failed', 'completed', 'cancelled'].includes(String(r.value?.state));
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      const probe = await invoke(2, 'health.probe', { envId: 'plat' });
      expect(probe.ok).toBe(true);
      const refused = await invoke(3, 'tenants.get', { envId: 'plat', tenantId: 'initech' });
      const resumed = await invoke(4, 'tenants.resume', {
        envId: 'plat',
        tenantId: 'acme',
        reason: 'paid',
      });
      expect(resumed.ok, JSON.stringify(resumed)).toBe(true);
      expect(frames.some((f) => f.includes('"ok":false'))).toBe(true); // an error frame was seen
      void refused;
      ws.close();
      seen.set('WebSocket frames', frames.join('\n'));

      // What the shared history keeps.
      seen.set('job records', JSON.stringify(await db.query('SELECT * FROM keel.keel_job')));
      seen.set('audit rows', JSON.stringify(await db.query('SELECT * FROM keel.keel_audit')));
      expect(seen.get('job records')).toContain('initech');
      expect(seen.get('audit rows')).toContain('tenant.suspend');

      server.proc.kill('SIGTERM');
      agent.proc.kill('SIGTERM');
      await Promise.all([server.exited, agent.exited]);
      seen.set('serve stdout', server.out.stdout);
      seen.set('serve stderr', server.out.stderr);
      seen.set('agent stdout', agent.out.stdout);
      seen.set('agent stderr', agent.out.stderr);
      // Every source was read (the agent logged its work as JSON) and the failure is there in words.
      expect(agent.out.stdout).toContain('keel agent started');
      expect([...seen.values()].join('\n')).toMatch(/initech/);

      const leaks: string[] = [];
      for (const [where, text] of seen) {
        for (const [name, secret] of Object.entries(SECRETS)) {
          for (const form of new Set([secret, encodeURIComponent(secret)])) {
            if (text.includes(form))
              leaks.push(`${name} (${form === secret ? 'raw' : 'URL-encoded'}) in ${where}`);
          }
        }
      }
      expect(leaks).toEqual([]);
    },
  );
});
