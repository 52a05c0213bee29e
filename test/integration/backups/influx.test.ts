import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, InfluxManifest, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { readStoreManifest, restoreInflux } from '../../support/backups-stores';
import { startInfluxDb, type InfluxDbHandle } from '../../support/index';

const HOUR_NS = 3_600_000_000_000n;

describe('InfluxDB 1.6 backups: line protocol by time window, retention policies kept', () => {
  let src: InfluxDbHandle;
  let dst: InfluxDbHandle;
  let k: BackupCore;
  const now = BigInt(Date.now()) * 1_000_000n;
  const lines: string[] = [];

  beforeAll(async () => {
    [src, dst] = await Promise.all([
      startInfluxDb({ name: 'backup-influx-src' }),
      startInfluxDb({ name: 'backup-influx-dst' }),
    ]);
    await src.query('CREATE DATABASE metrics');
    await src.query('CREATE RETENTION POLICY short ON metrics DURATION 72h REPLICATION 1');
    await src.query('CREATE DATABASE other');
    // Three days of points, nanosecond times, every field type, escapes and an int64 beyond 2^53.
    for (let i = 0n; i < 300n; i++) {
      const t = now - 80n * HOUR_NS + i * (HOUR_NS / 4n) + 123_456_789n;
      lines.push(
        `cpu,host=web\\ ${i % 3n},region=cn-${i % 2n} usage=${Number(i) / 7},count=${9007199254740993n + i}i,up=${i % 2n === 0n},note="said \\"hi\\" \\\\ ${i}" ${t}`,
      );
    }
    lines.push(`disk\\,io\\ stats,dev=sda read=1i ${now - HOUR_NS}`);
    await src.write('metrics', lines.join('\n'));
    await src.write('metrics', `retained,k=v x=1.5 ${now - 2n * HOUR_NS}`, { precision: 'ns' });
    const res = await fetch(`${src.url}/write?db=metrics&rp=short&precision=ns`, {
      method: 'POST',
      body: `short_lived,k=v x=2i ${now - HOUR_NS}`,
    });
    expect(res.status).toBe(204);
    // A point stamped after the run starts is left out by design (snapshot.until).
    await src.write('metrics', `cpu,host=future usage=1 ${now + 48n * HOUR_NS}`);
    await src.write('other', `m v=1 ${now}`);
    k = await startBackupCore('backup-influx', {
      KEEL_CONN_METRICS_URI: `${src.url}/`,
      KEEL_CONN_COPY_URI: `${dst.url}/`,
      KEEL_BACKUP_CHUNK_ROWS: '100',
      KEEL_BACKUP_INFLUX_WINDOW_MIN: '600',
    });
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  const backup = async (connectionId: string, scope: unknown) => {
    const job = await k.call<JobRecord>('backups.run', { envId: 'bk', connectionId, scope });
    const rec = await k.wait(job.id);
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    const dir = join(k.home, 'backups', 'bk', (rec.result as BackupSummary).id);
    return { dir, m: await readStoreManifest(dir, 'influxdb') };
  };
  const byMeasurement = (m: InfluxManifest) =>
    Object.fromEntries(
      m.databases.flatMap((d) =>
        d.measurements.map((x) => [
          `${d.name}.${x.retentionPolicy}.${x.name}`,
          [x.points, x.contentHash],
        ]),
      ),
    );

  it('round-trips a database exactly (int64, ns, escapes, policies) and leaves out later points', async () => {
    const { dir, m } = await backup('metrics', { type: 'databases', databases: ['metrics'] });
    expect(m.snapshot).toMatchObject({ kind: 'time-range', consistent: false });
    const db = m.databases[0];
    expect(db?.retentionPolicies.map((r) => [r.name, r.default])).toEqual([
      ['autogen', true],
      ['short', false],
    ]);
    const counts = Object.fromEntries(
      (db?.measurements ?? []).map((x) => [`${x.retentionPolicy}.${x.name}`, x.points]),
    );
    expect(counts).toEqual({
      'autogen.cpu': 300,
      'autogen.disk,io stats': 1,
      'autogen.retained': 1,
      'short.short_lived': 1,
    });
    const cpu = db?.measurements.find((x) => x.name === 'cpu');
    expect(cpu?.fields).toEqual({
      count: 'integer',
      note: 'string',
      up: 'boolean',
      usage: 'float',
    });
    expect(cpu?.chunks.length).toBeGreaterThanOrEqual(3);

    expect(await restoreInflux(dir, dst.url)).toBe(303);
    const back = await dst.query(
      'SELECT count, note FROM metrics.autogen.cpu ORDER BY time ASC LIMIT 1',
      { epoch: 'ns' },
    );
    expect(back.results?.[0]?.series?.[0]?.values?.[0]?.[2]).toBe('said "hi" \\ 0');
    // The restored copy, read back by Keel, has the same points and content hashes.
    const again = await backup('copy', { type: 'databases', databases: ['metrics'] });
    expect(byMeasurement(again.m)).toEqual(byMeasurement(m));
    // int64 and nanosecond exactness in the restored copy: 2^53 + 1 and the ns time survive.
    const raw = await fetch(
      `${dst.url}/query?${new URLSearchParams({ q: 'SELECT count FROM metrics.autogen.cpu ORDER BY time ASC LIMIT 1', epoch: 'ns' })}`,
    ).then((r) => r.text());
    expect(raw).toContain('9007199254740993');
    expect(raw).toContain(String(now - 80n * HOUR_NS + 123_456_789n));
  });

  it('backs up the server without _internal, and verify catches a truncated chunk', async () => {
    const { dir, m } = await backup('metrics', { type: 'server' });
    expect(m.databases.map((d) => d.name)).toEqual(['metrics', 'other']);
    const ok = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: m.id });
    expect(ok.ok).toBe(true);
    const chunk = m.databases[0]?.measurements[0]?.chunks[0];
    if (!chunk) throw new Error('no chunk');
    await truncate(join(dir, chunk.file), chunk.size - 3);
    const bad = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: m.id });
    expect(bad.problems).toEqual([expect.objectContaining({ file: chunk.file, kind: 'size' })]);
  });

  it('refuses an unknown database and a table scope', async () => {
    const unknown = await k.refused('backups.run', {
      envId: 'bk',
      connectionId: 'metrics',
      scope: { type: 'databases', databases: ['nosuch'] },
    });
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/nosuch/) });
    const tables = await k.refused('backups.run', {
      envId: 'bk',
      connectionId: 'metrics',
      scope: { type: 'tables', tables: [{ database: 'metrics', table: 'cpu' }] },
    });
    expect(tables).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/no tables/),
    });
  });
});
