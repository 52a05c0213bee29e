import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../electron/main/services/alerts/defaults';
import {
  evaluate,
  reachability,
  track,
  trackProbe,
  type ConnTrack,
} from '../../electron/main/services/alerts/evaluator';
import { LocalAlerts } from '../../electron/main/services/alerts/local-mode';
import { MemoryAlertStore, type StoredAlert } from '../../electron/main/services/alerts/store';
import type { WebhookSender } from '../../electron/main/services/alerts/webhooks';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import type { Alert } from '../../shared/alerts';

const INTERVAL = 10_000;
const storeDown = defaultRules('demo').filter((r) => r.id === 'store-down');

const fresh = (): ConnTrack => ({ kind: 'mysql', firstSeen: 0, values: new Map() });

const downAlerts = (t: ConnTrack, now: number) =>
  evaluate({
    envId: 'demo',
    rules: storeDown,
    silences: [],
    open: [],
    conns: new Map([['core', t]]),
    now,
    intervalMs: INTERVAL,
  }).filter((c) => c.stored.alert.state === 'firing');

const sweep = (at: number, error?: { code: string; message: string }, part?: 'slow') => ({
  envId: 'demo',
  connectionId: 'core',
  kind: 'mysql' as const,
  at,
  durationMs: 12_000,
  ...(error && { error }),
  ...(part && { part }),
  points: [],
  omitted: 0,
});

describe('store down: what the probes see, not what a sweep could not read', () => {
  it('a failed slow read (sizes, partitions) never makes a store down', () => {
    const t = fresh();
    track(t, sweep(1000));
    track(t, sweep(2000, { code: 'TIMEOUT', message: 'reading sizes took too long' }, 'slow'));
    expect(t.up).toBe(true);
    expect(downAlerts(t, 3000)).toEqual([]);
  });

  it('while probes are fresh they decide, whatever the sweeps say', () => {
    const t = fresh();
    // A sweep timed out (a slow server, a lock), but the probes get answers.
    track(t, sweep(20_000, { code: 'TIMEOUT', message: 'collecting core took longer' }));
    trackProbe(t, 'primary', true, 10_000);
    trackProbe(t, 'primary', true, 20_000);
    expect(reachability(t, 21_000, INTERVAL)).toEqual([{ endpoint: 'primary', up: true }]);
    expect(downAlerts(t, 21_000)).toEqual([]);
    // The probes say it is down: it is, although the last sweep had worked.
    track(t, sweep(30_000));
    trackProbe(t, 'primary', false, 30_000);
    expect(downAlerts(t, 31_000).map((c) => c.stored.alert.labels.connection)).toEqual(['core']);
  });

  it('falls back to the sweeps when the probes went quiet, and alerts a dead read replica apart', () => {
    const t = fresh();
    trackProbe(t, 'primary', true, 0);
    trackProbe(t, 'primary', true, 10_000);
    trackProbe(t, 'replica', false, 10_000);
    track(t, sweep(60_000, { code: 'CONN_REFUSED', message: 'refused' }));
    // 50 s after the last probe (gap 10 s): stale, so the failed sweep decides.
    expect(reachability(t, 60_000, INTERVAL)).toEqual([{ endpoint: 'primary', up: false }]);
    // While fresh, the replica is its own series, labelled so.
    const alerts = downAlerts(t, 11_000);
    expect(alerts.map((c) => c.stored.alert.labels.endpoint)).toEqual(['replica']);
    expect(alerts[0]?.stored.alert.summary).toMatch(/read replica does not answer/);
  });
});

describe('alerts while the core database is away', () => {
  const setup = (leads: boolean) => {
    const bus = new EventBus();
    const fired: Alert[] = [];
    bus.subscribe('alerts.fired', (a) => fired.push(a));
    const sent: string[] = [];
    const sender = {
      send: (_hooks: unknown, a: Alert, ev: { to: string }) => sent.push(`${a.ruleId}:${ev.to}`),
    } as unknown as WebhookSender;
    const local = new LocalAlerts(bus, silentLogger(), sender);
    const snapshot = {
      rules: storeDown,
      silences: [],
      webhooks: [
        {
          id: 'ops',
          url: 'https://hooks.example/ops',
          minSeverity: 'warning' as const,
          enabled: true,
        },
      ],
      open: [] as StoredAlert[],
    };
    const run = (t: ConnTrack, now: number) =>
      local.evaluate('demo', () => ({ snapshot, leads }), new Map([['core', t]]), now, INTERVAL);
    return { local, fired, sent, run };
  };

  it('notifies its own operator, and the leader writes the outage when the database returns', async () => {
    const { local, fired, sent, run } = setup(true);
    const t = fresh();
    trackProbe(t, 'primary', false, 1000);
    await run(t, 1000);
    expect(local.since('demo')).toBe(1000);
    expect(fired.map((a) => a.ruleId)).toEqual(['store-down']);
    expect(sent).toEqual(['store-down:firing']);
    // The summary and list read the local store meanwhile.
    expect(await local.store('demo')?.list({ envId: 'demo', limit: 10 })).toHaveLength(1);

    // Back, and clear for the rule's 30 s minimum.
    trackProbe(t, 'primary', true, 40_000);
    await run(t, 40_000);
    trackProbe(t, 'primary', true, 71_000);
    await run(t, 71_000);
    expect(sent).toEqual(['store-down:firing', 'store-down:resolved']);

    const shared = new MemoryAlertStore();
    expect(await local.leave('demo', shared)).toBe(1000);
    expect(local.since('demo')).toBeUndefined();
    const [a] = await shared.list({ envId: 'demo', limit: 10 });
    expect(a).toMatchObject({ ruleId: 'store-down', state: 'resolved' });
    expect((await shared.events(a?.id ?? '')).map((e) => e.to)).toEqual([
      'pending',
      'firing',
      'resolved',
    ]);
    // The shared copy is not notified a second time.
    expect(local.notifiedLocally(a?.fingerprint ?? '', Date.parse(a?.firingAt ?? ''))).toBe(true);
  });

  it('a console that did not lead notifies too, but writes nothing and sends no webhook', async () => {
    const { local, fired, sent, run } = setup(false);
    const t = fresh();
    trackProbe(t, 'primary', false, 1000);
    await run(t, 1000);
    expect(fired).toHaveLength(1);
    expect(sent).toEqual([]);
    const shared = new MemoryAlertStore();
    await local.leave('demo', shared);
    expect(await shared.list({ envId: 'demo', limit: 10 })).toEqual([]);
  });
});
