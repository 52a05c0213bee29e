import { describe, expect, it } from 'vitest';
import {
  escapeKey,
  escapeMeasurement,
  escapeTagValue,
  quoteStringField,
  sampleLine,
  toLine,
} from '../../electron/main/services/monitoring/line-protocol';
import { influxString, seriesQuery } from '../../electron/main/services/monitoring/history';
import type { Sample } from '../../shared/monitoring';

const sample = (over: Partial<Sample> = {}): Sample => ({
  envId: 'prod',
  connectionId: 'core',
  kind: 'mysql',
  metric: 'mysql.qps',
  value: 12.5,
  unit: 'per_sec',
  at: 1_700_000_000_123,
  ...over,
});

describe('line protocol escaping', () => {
  it('escapes commas and spaces in measurements, and also = in keys and tag values', () => {
    expect(escapeMeasurement('cpu load,total')).toBe('cpu\\ load\\,total');
    expect(escapeMeasurement('a=b')).toBe('a=b');
    expect(escapeKey('host name=x,y')).toBe('host\\ name\\=x\\,y');
    expect(escapeTagValue('plain_value-1.2')).toBe('plain_value-1.2');
  });

  it('turns newlines into (escaped) spaces: line protocol cannot carry them', () => {
    expect(escapeTagValue('a\nb')).toBe('a\\ b');
    expect(quoteStringField('x\r\ny')).toBe('"x  y"');
  });

  it('keeps a backslash before an ordinary character and replaces an ambiguous one with /', () => {
    expect(escapeTagValue('C:\\temp')).toBe('C:\\temp');
    expect(escapeTagValue('ends\\')).toBe('ends/');
    expect(escapeTagValue('a\\,b')).toBe('a/\\,b');
    expect(escapeTagValue('a\\\\ b')).toBe('a//\\ b');
    expect(escapeMeasurement('m\\=x')).toBe('m\\=x'); // = is not special in a measurement
  });

  it('quotes string fields, escaping " and \\', () => {
    expect(quoteStringField('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it('writes floats without a type suffix, sorts tags, omits empty tags and non-finite fields', () => {
    expect(toLine('m', { z: '1', a: '2', e: '' }, { v: 3, s: 'x', b: true }, '5')).toBe(
      'm,a=2,z=1 v=3,s="x",b=true 5',
    );
    expect(toLine('m', {}, { v: Number.NaN, w: 1 }, '5')).toBe('m w=1 5');
    expect(toLine('m', {}, { v: Number.POSITIVE_INFINITY }, '5')).toBeUndefined();
  });

  it('turns a sample into a line with env / conn / kind tags and a ns timestamp', () => {
    expect(sampleLine(sample())).toBe(
      'keel.mysql.qps,conn=core,env=prod,kind=mysql value=12.5 1700000000123000000',
    );
    // The cached prefix does not leak between series.
    expect(sampleLine(sample({ connectionId: 'other', value: 1 }))).toBe(
      'keel.mysql.qps,conn=other,env=prod,kind=mysql value=1 1700000000123000000',
    );
    expect(
      sampleLine(
        sample({
          metric: 'mysql.partition_rows',
          unit: 'count',
          value: 3,
          tags: { database: 'shop db', table: 'orders', partition: 'p2024,01' },
        }),
      ),
    ).toBe(
      'keel.mysql.partition_rows,conn=core,database=shop\\ db,env=prod,kind=mysql,partition=p2024\\,01,table=orders value=3 1700000000123000000',
    );
    expect(sampleLine(sample({ value: Number.NaN }))).toBeUndefined();
  });
});

describe('InfluxQL for series', () => {
  it('quotes string literals', () => {
    expect(influxString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
  });

  it('selects the mean per time bucket of one connection, tag filters quoted', () => {
    const q = seriesQuery({
      envId: 'prod',
      connectionId: 'core',
      metric: 'mysql.database_data_bytes',
      from: 1000,
      to: 61_000,
      stepSec: 10,
      tags: { database: "x' OR 1=1 --" },
      source: 'auto',
    });
    expect(q).toBe(
      `SELECT mean("value") AS "value" FROM "keel.mysql.database_data_bytes" WHERE "env" = 'prod' AND "conn" = 'core' AND "database" = 'x\\' OR 1=1 --' AND time >= 1000ms AND time < 61000ms GROUP BY time(10s), * fill(null) SLIMIT 500`,
    );
  });
});
