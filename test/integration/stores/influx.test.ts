import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../../../electron/main/stores/influx.store';
import { conn } from '../../support/connections';
import { startInfluxDb, type InfluxDbHandle } from '../../support';
import { getInflux2Target, type Influx2Target } from '../../support/standins/influx2';

const now = BigInt(Date.now()) * 1_000_000n;
const lines = Array.from(
  { length: 100 },
  (_, i) => `probe,conn=c${i % 5} latency=${i}.5,ok=true ${now - BigInt(i) * 1_000_000_000n}`,
);

describe('InfluxDB store against a real InfluxDB 1.x', () => {
  let influx: InfluxDbHandle;
  beforeAll(async () => void (influx = await startInfluxDb()));
  afterAll(async () => influx.stop());

  it('detects 1.x from /ping and uses the v1 write path', async () => {
    const s = new InfluxStore({
      connection: conn('influxdb', influx.host, influx.port),
      secret: undefined,
    });
    const server = await s.detect();
    expect(server).toMatchObject({ major: 1, v2Write: false, v2Buckets: false });
    expect((await s.probe('primary')).version).toMatch(/^1\./);
    await s.close();
  });

  it('creates a database with retention, writes lines and reads them back with InfluxQL', async () => {
    const s = new InfluxStore({
      connection: conn('influxdb', influx.host, influx.port),
      secret: undefined,
    });
    await s.ensureDatabase('keel_metrics', 7 * 86400);
    await s.ensureDatabase('keel_metrics', 7 * 86400); // idempotent
    const rps = await s.query('SHOW RETENTION POLICIES ON "keel_metrics"');
    expect(JSON.stringify(rps)).toContain('168h0m0s');
    await s.writeLines({ db: 'keel_metrics' }, lines);
    const [r] = await s.query('SELECT count(latency) FROM probe', { db: 'keel_metrics' });
    expect(r?.series?.[0]?.values[0]?.[1]).toBe(100);
    const [g] = await s.query(
      'SELECT mean(latency) FROM probe WHERE time > now() - 1h GROUP BY conn',
      { db: 'keel_metrics' },
    );
    expect(g?.series).toHaveLength(5);
    await s.close();
  });

  it('refuses a name that is not an identifier before sending anything', async () => {
    const s = new InfluxStore({
      connection: conn('influxdb', influx.host, influx.port),
      secret: undefined,
    });
    await expect(s.ensureDatabase('x"; DROP DATABASE "y', 0)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await s.close();
  });

  it('maps a closed port to CONN_REFUSED', async () => {
    const s = new InfluxStore({ connection: conn('influxdb', '127.0.0.1', 1), secret: undefined });
    await expect(s.probe('primary')).rejects.toMatchObject({ code: 'CONN_REFUSED' });
    await s.close();
  });
});

/** Against a real InfluxDB 2 when KEEL_TEST_INFLUX2_URL is set, else the test-only stand-in. */
describe('InfluxDB store against InfluxDB 2 (v2 API)', () => {
  let target: Influx2Target;
  beforeAll(async () => void (target = await getInflux2Target()));
  afterAll(async () => target.stop());

  const store = (token = target.token) => {
    const u = new URL(target.url);
    return new InfluxStore({
      connection: conn('influxdb', u.hostname, Number(u.port), { org: target.org }),
      secret: { token },
    });
  };

  it(`detects 2.x and manages buckets through the v2 API (${process.env.KEEL_TEST_INFLUX2_URL ? 'real server' : 'stand-in'})`, async () => {
    const s = store();
    expect(await s.detect()).toMatchObject({ major: 2, v2Write: true, v2Buckets: true });
    const name = `keel_${Date.now()}`;
    await s.ensureDatabase(name, 3600);
    await s.ensureDatabase(name, 3600);
    await s.writeLines({ db: name }, lines);
    const [r] = await s.query('SELECT count(latency) FROM probe', { db: name });
    expect(r?.series?.[0]?.values[0]?.[1]).toBe(100);
    await s.close();
  });

  it('maps a wrong token to AUTH_FAILED', async () => {
    const s = store('wrong-token');
    await expect(s.query('SHOW DATABASES')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await s.close();
  });
});
