import { describe, expect, it } from 'vitest';
import { redact, redactKnown } from '../../electron/main/lib/redact';
import { parseConnectionUri } from '../../shared/models/uri';

describe('redact', () => {
  it('removes passwords from connection strings, key=value pairs and bearer headers', () => {
    expect(redact('mysql://keel:s3cr3t@db1:3306/core')).toBe('mysql://keel:***@db1:3306/core');
    expect(redact('redis://:hunter2@cache:6379/0 failed')).toBe('redis://:***@cache:6379/0 failed');
    expect(redact('password=abc123&user=x')).toBe('password=***&user=x');
    expect(redact('{"token": "tok-987"}')).toBe('{"token": "***"}');
    expect(redact('Authorization: Bearer abc.def.ghi')).toBe('Authorization: Bearer ***');
  });

  it("keeps MySQL's '(using password: YES)' readable", () => {
    expect(redact("Access denied for user 'root'@'localhost' (using password: YES)")).toContain(
      'using password: YES)',
    );
  });

  it('removes known secret values wherever they appear', () => {
    expect(redactKnown('server said: bad auth for Pa55word!', ['Pa55word!'])).toBe(
      'server said: bad auth for ***',
    );
  });
});

describe('parseConnectionUri', () => {
  it('parses MySQL with user, password, database and TLS', () => {
    const r = parseConnectionUri(
      'mysql://keel:p%40ss@db1.internal:3307/saas_unified_core?ssl-mode=REQUIRED',
    );
    expect(r.connection).toMatchObject({
      kind: 'mysql',
      host: 'db1.internal',
      port: 3307,
      user: 'keel',
      database: 'saas_unified_core',
      tls: { enabled: true, verify: true },
    });
    expect(r.password).toBe('p@ss');
  });

  it('uses default ports and parses Redis db numbers and rediss TLS', () => {
    expect(parseConnectionUri('redis://cache').connection.port).toBe(6379);
    const r = parseConnectionUri('rediss://:pw@cache:6380/2');
    expect(r.connection).toMatchObject({
      kind: 'redis',
      port: 6380,
      database: '2',
      tls: { enabled: true },
    });
    expect(r.password).toBe('pw');
  });

  it('parses InfluxDB URLs with db and org', () => {
    const r = parseConnectionUri('https://influx:8086?bucket=metrics&org=ops');
    expect(r.connection).toMatchObject({
      kind: 'influxdb',
      database: 'metrics',
      org: 'ops',
      tls: { enabled: true },
    });
  });

  it('parses MongoDB and takes authSource as the database when no path is given', () => {
    const r = parseConnectionUri('mongodb://admin:x@mongo1:27018/?authSource=admin&replicaSet=rs0');
    expect(r.connection).toMatchObject({
      kind: 'mongodb',
      host: 'mongo1',
      port: 27018,
      database: 'admin',
      name: 'rs0',
    });
  });

  it.each([
    ['not a uri', /connection string/],
    ['ftp://host', /unsupported scheme "ftp"/],
    ['mongodb+srv://cluster0.example.net', /not supported/],
    ['redis://cache/abc', /Redis database is a number/],
    ['mongodb://a:1,b:2/db', /several hosts|connection string/],
  ])('refuses %s with a clear message', (uri, message) => {
    expect(() => parseConnectionUri(uri)).toThrow(message);
  });

  it('never echoes the password in an error', () => {
    let error: unknown;
    try {
      parseConnectionUri('ftp://user:TopSecret@host');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/unsupported scheme/);
    expect(String(error)).not.toContain('TopSecret');
  });
});
