import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCliCore } from './context';
import { UsageError } from './output';
import { version } from './version';

export interface AgentOptions {
  healthHost: string;
  healthPort: number;
  /** How long a running job may take to finish on SIGTERM before it is handed back. */
  graceMs: number;
  /** Collect metrics and evaluate alerts, so they run with no console open (default on). */
  monitor: boolean;
}

/**
 * `keel agent`: the job workers and schedules of every environment, headless, for a server or a
 * container. JSON logs on stdout. GET /healthz on loopback answers 200 while every environment's
 * job engine is up (503 otherwise) with what it runs. On SIGTERM it stops taking jobs, lets the
 * running ones finish within the grace period, hands back the rest (another Keel takes them over)
 * and exits 0.
 */
export async function agent(o: AgentOptions): Promise<void> {
  if (!['127.0.0.1', '::1', 'localhost'].includes(o.healthHost)) {
    throw new UsageError('the health endpoint listens on loopback only (it is unauthenticated)');
  }
  const started = Date.now();
  const core = await createCliCore({
    shell: 'agent',
    // Where alerts are evaluated the stores are probed too: the store-down rule reads the probes.
    probes: o.monitor,
    monitor: o.monitor,
    work: true,
    logTo: 'stdout',
  });
  const log = core.logger;
  await core.services.jobs.startAll();
  await core.services.schedules.syncAll();
  const envs = await core.services.environments.list();
  if (envs.length === 0)
    log.warn('no environments: set KEEL_CONN_* variables or import one (keel env import)');

  const health: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    void (async () => {
      const engines = await Promise.all(
        envs.map((e) =>
          core.services.jobs
            .status(e.id)
            .catch((err: unknown) => ({ envId: e.id, error: (err as Error).message })),
        ),
      );
      const ok = engines.every((e) => !('error' in e));
      res.writeHead(ok ? 200 : 503, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      });
      res.end(
        JSON.stringify({
          status: ok ? 'ok' : 'degraded',
          version,
          pid: process.pid,
          uptimeSec: Math.round((Date.now() - started) / 1000),
          running: await core.services.jobs.runningHere(),
          engines,
        }),
      );
    })();
  });
  await new Promise<void>((resolve, reject) => {
    health.once('error', reject);
    health.listen(o.healthPort, o.healthHost, resolve);
  });
  const port = (health.address() as AddressInfo).port;
  log.info(
    { health: `http://${o.healthHost}:${port}/healthz`, envs: envs.map((e) => e.id) },
    'keel agent started',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const running = await core.services.jobs.runningHere();
    log.info({ signal, running, graceMs: o.graceMs }, 'stopping: finishing running jobs');
    health.close();
    await core.services.jobs.dispose(o.graceMs);
    await core.dispose();
    log.info('keel agent stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
