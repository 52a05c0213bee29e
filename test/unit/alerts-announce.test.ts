import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AlertsLoop,
  type EnvCtx,
  type LoopDeps,
} from '../../electron/main/services/alerts/alerts-loop';
import { ChangeCursor } from '../../electron/main/services/alerts/change-cursor';
import { defaultRules } from '../../electron/main/services/alerts/defaults';
import { MemoryAlertStore } from '../../electron/main/services/alerts/store';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import type { Alert } from '../../shared/alerts';
import type { SamplesEvent } from '../../shared/monitoring';

/**
 * Two stores that die together go down in the same evaluation, so both alerts carry the same
 * `updatedAt` to the millisecond. The console announced only the first (`alerts.fired` drives
 * the tray and the desktop notification): the second, found by the CI run of
 * faults/store-death, was firing on the Alerts page but never notified.
 */
const ENV = 'demo';
const conns = [
  { id: 'cache', kind: 'redis' as const },
  { id: 'metrics', kind: 'influxdb' as const },
];

const sweep = (connectionId: string, kind: SamplesEvent['kind'], at: number, failed: boolean) => ({
  envId: ENV,
  connectionId,
  kind,
  at,
  durationMs: 5,
  ...(failed && { error: { code: 'CONN_REFUSED', message: 'refused' } }),
  points: [],
  omitted: 0,
});

describe('every newly firing alert is announced once', () => {
  let loop: AlertsLoop | undefined;
  afterEach(() => loop?.dispose());

  it('announces both stores that go down in one evaluation, and neither again', async () => {
    const bus = new EventBus();
    const store = new MemoryAlertStore();
    await store.ensureDefaults(ENV, defaultRules(ENV));
    const ctx: EnvCtx = { store, lease: undefined, cursor: new ChangeCursor(0), busy: false };
    const deps = {
      envs: {
        get: () => Promise.resolve({ id: ENV, connections: conns }),
        list: () => Promise.resolve([{ id: ENV }]),
      },
      monitoring: { settings: { intervalMs: 10_000 } },
      bus,
      logger: silentLogger(),
      sender: { send: () => undefined },
      ctx: () => Promise.resolve(ctx),
    } as unknown as LoopDeps;
    loop = new AlertsLoop(deps);
    const fired: Alert[] = [];
    bus.subscribe('alerts.fired', (a) => void fired.push(a));
    loop.start();

    const t0 = Date.now();
    for (const c of conns) bus.publish('monitoring.samples', sweep(c.id, c.kind, t0, false));
    await loop.tick(ENV, t0);
    expect(loop.stats.evaluations).toBe(1);
    expect(fired).toEqual([]);
    // A store that goes down is evaluated at once (both in one evaluation, one clock).
    for (const c of conns) bus.publish('monitoring.samples', sweep(c.id, c.kind, t0 + 1, true));
    await vi.waitUntil(() => loop?.stats.evaluations === 2 && !ctx.busy);
    const open = await store.list({ envId: ENV, limit: 10 });
    expect(open.filter((a) => a.state === 'firing')).toHaveLength(2);
    expect(fired.map((a) => a.labels.connection).sort()).toEqual(['cache', 'metrics']);

    // Still down: later evaluations update the alerts but announce nothing new.
    await loop.tick(ENV, Date.now() + 10_000);
    await loop.tick(ENV, Date.now() + 20_000);
    expect(loop.stats.evaluations).toBe(4);
    expect(fired).toHaveLength(2);
  });
});

describe('ChangeCursor', () => {
  const alert = (
    id: string,
    updatedAt: number,
    firingAt: number | null,
    state: Alert['state'] = 'firing',
  ) =>
    ({
      id,
      state,
      silenced: false,
      updatedAt: new Date(updatedAt).toISOString(),
      firingAt: firingAt === null ? null : new Date(firingAt).toISOString(),
    }) as Alert;

  it('takes a change written in an already-read millisecond, and nothing twice', () => {
    const c = new ChangeCursor(1000);
    expect(c.take([alert('a', 1500, 1500)]).fired.map((a) => a.id)).toEqual(['a']);
    expect(c.since).toBe(1500);
    // Another console wrote 'b' in the same millisecond after this console's read.
    const next = c.take([alert('a', 1500, 1500), alert('b', 1500, 1500)]);
    expect(next.changed.map((a) => a.id)).toEqual(['b']);
    expect(next.fired.map((a) => a.id)).toEqual(['b']);
    expect(c.take([alert('a', 1500, 1500), alert('b', 1500, 1500)]).changed).toEqual([]);
  });

  it('announces a later firing of the same alert, not an update of the same firing', () => {
    const c = new ChangeCursor(0);
    expect(c.take([alert('a', 100, 100)]).fired).toHaveLength(1);
    expect(c.take([alert('a', 200, 100)]).fired).toEqual([]); // value changed, same firing
    expect(c.take([alert('a', 300, 100, 'acknowledged')]).fired).toEqual([]);
    expect(c.take([alert('a', 400, 400)]).fired).toHaveLength(1); // ack lapsed: fires again
    // Alerts firing before this console started are not announced.
    expect(new ChangeCursor(500).take([alert('z', 600, 450)]).fired).toEqual([]);
  });
});
