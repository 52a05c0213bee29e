import type { RowDataPacket } from 'mysql2/promise';
import type { JobPayload } from '../../../../shared/jobs';
import { plainError } from '../../stores/errors';
import { MysqlStore } from '../../stores/mysql.store';
import { createStoreClient } from '../../stores/registry';
import {
  addressOf,
  type EndpointName,
  type StoreClient,
  type StoreClientInit,
} from '../../stores/types';
import { table } from '../shared/keel-schema';
import type { JobContext } from './types';

/** What a watch needs, resolved by main (secrets included) and handed over in memory. */
export interface WatchDeps {
  targets: Array<{ init: StoreClientInit; endpoint: EndpointName }>;
  /** The environment's core MySQL: samples go to keel.keel_watch_sample. */
  core: StoreClientInit;
}

export interface WatchResult {
  rounds: number;
  resumedAt: number;
  samples: number;
  down: number;
}

/**
 * `health.watch`: probe every target each `intervalSec` for `durationSec`, writing each round's
 * results keyed by (run key, round, connection, endpoint). A retried or resumed run starts after
 * the last round already written, so no round is lost or written twice. Runs in a worker thread
 * in the shells (see thread-executor.ts), inline in tests; it uses only the clients it creates.
 */
export async function runWatch(
  p: JobPayload<'health.watch'>,
  ctx: JobContext,
  deps: WatchDeps,
): Promise<WatchResult> {
  const rounds = Math.floor(p.durationSec / p.intervalSec);
  const core = new MysqlStore({ connection: deps.core.connection, secret: deps.core.secret });
  const clients = new Map<string, StoreClient>();
  const clientOf = (init: StoreClientInit): StoreClient => {
    let c = clients.get(init.connection.id);
    if (!c) clients.set(init.connection.id, (c = createStoreClient(init)));
    return c;
  };
  try {
    const [last] = await core.query<RowDataPacket[]>(
      `SELECT COALESCE(MAX(round), -1) AS r FROM ${table('keel_watch_sample')} WHERE run_key = ?`,
      [ctx.runKey],
      { signal: ctx.signal },
    );
    const resumedAt = Number(last?.r ?? -1) + 1;
    if (resumedAt > 0) ctx.log('info', `resuming at round ${resumedAt + 1} of ${rounds}`);
    let down = 0;
    for (let round = resumedAt; round < rounds; round++) {
      if (round > resumedAt) await sleep(p.intervalSec * 1000, ctx.signal);
      ctx.signal.throwIfAborted();
      const at = new Date();
      const results = await Promise.all(
        deps.targets.map(async (t) => {
          const c = t.init.connection;
          try {
            const f = await clientOf(t.init).probe(t.endpoint, { signal: ctx.signal });
            return { t, status: 'up', latencyMs: Math.round(f.latencyMs * 100) / 100 };
          } catch (e) {
            const address = addressOf(t.endpoint === 'replica' && c.replica ? c.replica : c);
            const err = plainError(e, { kind: c.kind, address, tls: c.tls.enabled });
            if (err.code === 'CANCELLED') throw e;
            return { t, status: 'down', latencyMs: null };
          }
        }),
      );
      ctx.signal.throwIfAborted();
      down += results.filter((r) => r.status === 'down').length;
      const values = results.map((r) => [
        ctx.runKey,
        round,
        r.t.init.connection.id,
        r.t.endpoint,
        at,
        r.status,
        r.latencyMs,
      ]);
      // INSERT IGNORE: a round written by a previous attempt that died before reporting stays as it was.
      await core.query(
        `INSERT IGNORE INTO ${table('keel_watch_sample')} (run_key, round, connection_id, endpoint, at, status, latency_ms) VALUES ?`,
        [values],
        { signal: ctx.signal },
      );
      ctx.progress({
        done: round + 1,
        total: rounds,
        message: `round ${round + 1}/${rounds}: ${results.filter((r) => r.status === 'up').length}/${results.length} up`,
      });
    }
    const [count] = await core.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM ${table('keel_watch_sample')} WHERE run_key = ?`,
      [ctx.runKey],
    );
    return { rounds, resumedAt, samples: Number(count?.n ?? 0), down };
  } finally {
    await Promise.allSettled([core.close(), ...[...clients.values()].map((c) => c.close())]);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
