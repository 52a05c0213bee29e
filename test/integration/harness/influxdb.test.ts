import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxDb } from '../../support';
import type { InfluxDbHandle } from '../../support';

describe('startInfluxDb', () => {
  let influx: InfluxDbHandle;

  beforeAll(async () => {
    influx = await startInfluxDb({ name: 'harness' });
  });

  afterAll(async () => {
    await influx?.stop();
  });

  it('answers /ping with 204 and reports a 1.x version', async () => {
    const response = await fetch(`${influx.url}/ping`);
    expect(response.status).toBe(204);
    expect(response.headers.get('x-influxdb-version')).toMatch(/^1\./);
  });

  it('creates a database, takes a point via /write and returns it via /query', async () => {
    await influx.query('CREATE DATABASE metrics');
    // The raw endpoint, as Keel's client will use it, not only the helper.
    const write = await fetch(`${influx.url}/write?db=metrics&precision=s`, {
      method: 'POST',
      body: 'cpu,host=db-1 usage=42.5 1700000000',
    });
    expect(write.status).toBe(204);

    const result = await influx.query('SELECT usage, host FROM cpu', { db: 'metrics', epoch: 's' });
    expect(result.results[0]?.series?.[0]).toMatchObject({
      name: 'cpu',
      columns: ['time', 'usage', 'host'],
      values: [[1700000000, 42.5, 'db-1']],
    });
  });

  it('keeps written points across SIGKILL and restart (WAL replay)', async () => {
    await influx.write('metrics', 'cpu,host=db-2 usage=7 1700000001', { precision: 's' });
    const { port, pid } = influx;
    await influx.kill();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(fetch(`${influx.url}/ping`)).rejects.toThrow();

    await influx.restart();
    expect(influx.port).toBe(port);
    const result = await influx.query('SELECT COUNT(usage) FROM cpu', { db: 'metrics' });
    expect(result.results[0]?.series?.[0]?.values[0]?.[1]).toBe(2);
  });

  it('surfaces InfluxQL errors', async () => {
    await expect(influx.query('SELECT * FROM', { db: 'metrics' })).rejects.toThrow(/query failed/);
  });
});
