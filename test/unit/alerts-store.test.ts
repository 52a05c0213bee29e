import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/main/lib/logger';
import { defaultRules } from '../../electron/main/services/alerts/defaults';
import { evaluate } from '../../electron/main/services/alerts/evaluator';
import { FileAlertStore } from '../../electron/main/services/alerts/file-store';

describe('file alert store (environments without a core database)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('keeps rules, alerts and history across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-alerts-file-'));
    dirs.push(dir);
    const path = join(dir, 'alerts.json');
    const a = new FileAlertStore(path, silentLogger());
    await a.ensureDefaults('demo', defaultRules('demo'));
    const rule = defaultRules('demo').find((r) => r.id === 'store-down');
    if (!rule) throw new Error('no store-down rule');
    await a.saveRule({ ...rule, minStateSec: 5 });
    await a.removeRule('demo', 'api-error-rate');
    const [c] = evaluate({
      envId: 'demo',
      rules: [rule],
      silences: [],
      open: [],
      conns: new Map([['core', { kind: 'mysql', firstSeen: 0, up: false, values: new Map() }]]),
      now: 1000,
      intervalMs: 1000,
    });
    if (!c) throw new Error('no alert');
    expect(await a.insert(c.stored, c.events)).toBe(true);
    await a.flush();

    const b = new FileAlertStore(path, silentLogger());
    await b.ensureDefaults('demo', defaultRules('demo'));
    const rules = await b.rules('demo');
    expect(rules.find((r) => r.id === 'store-down')?.minStateSec).toBe(5);
    // A default the user deleted stays deleted.
    expect(rules.some((r) => r.id === 'api-error-rate')).toBe(false);
    expect((await b.open('demo')).map((x) => x.alert.id)).toEqual([c.stored.alert.id]);
    expect((await b.events(c.stored.alert.id)).map((e) => e.to)).toEqual(['pending', 'firing']);
  });

  it('starts empty from an unreadable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-alerts-file-'));
    dirs.push(dir);
    const path = join(dir, 'alerts.json');
    await writeFile(path, '{not json');
    const s = new FileAlertStore(path, silentLogger());
    await s.ensureDefaults('demo', defaultRules('demo'));
    expect((await s.rules('demo')).length).toBe(defaultRules('demo').length);
  });
});
