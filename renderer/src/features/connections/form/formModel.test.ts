import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '@shared/models/environment';
import { parseConnectionUri } from '@shared/models/uri';
import {
  applyParsedUri,
  buildInput,
  changeKind,
  emptyForm,
  parseEndpoints,
  slugify,
  toFormValues,
} from './formModel';
import { settingsOf } from '../connectionText';
import { fieldOfPath, issuesFromServer, splitIssues, validateForm } from './formValidation';

const valid = () => ({
  ...emptyForm('mysql'),
  id: 'core',
  name: 'Core',
  role: 'core',
  host: 'db1',
});

describe('connection form model', () => {
  it('fills the form from a connection string, password into the password field', () => {
    const parsed = parseConnectionUri(
      'mysql://app:p%40ss@db.example.com:3307/saas?ssl-mode=required',
    );
    const v = applyParsedUri(emptyForm('redis'), parsed);
    expect(v).toMatchObject({
      kind: 'mysql',
      host: 'db.example.com',
      port: '3307',
      user: 'app',
      password: 'p@ss',
      database: 'saas',
      tlsEnabled: true,
      name: 'db.example.com',
    });
  });

  it('moves a default port along with the kind, keeps a typed one', () => {
    expect(changeKind(emptyForm('mysql'), 'redis').port).toBe('6379');
    expect(changeKind({ ...emptyForm('mysql'), port: '13306' }, 'redis').port).toBe('13306');
  });

  it('suggests slugs', () => {
    expect(slugify('Core MySQL (EU)')).toBe('core-mysql-eu');
    expect(slugify('  --x--  ')).toBe('x');
  });

  it('parses endpoint lists', () => {
    expect(parseEndpoints('a:1\n\n[::1]:2\nb', 26379)).toEqual({
      endpoints: [
        { host: 'a', port: 1 },
        { host: '::1', port: 2 },
        { host: 'b', port: 26379 },
      ],
      badLine: undefined,
    });
    expect(parseEndpoints('a:1\nnot valid', 1).badLine).toBe(2);
  });

  it('builds input: kind-specific parts only, secrets apart, empty secrets omitted', () => {
    const built = buildInput({ ...valid(), replicaEnabled: true, replicaHost: 'db2', org: 'x' });
    expect(built.connection['replica']).toEqual({ host: 'db2', port: 3306 });
    expect(built.connection['org']).toBeUndefined();
    expect(built.secret).toBeUndefined();
    const influx = buildInput({ ...valid(), kind: 'influxdb', token: 't', password: 'p' });
    expect(influx.secret).toEqual({ password: 'p', token: 't' });
    expect(buildInput({ ...valid(), poolMax: 'ten' }).issues[0]).toMatchObject({
      field: 'poolMax',
      code: 'keel_number',
    });
  });

  it('round-trips a stored connection', () => {
    const view: ConnectionView = {
      id: 'cache',
      name: 'Cache',
      kind: 'redis',
      role: 'cache',
      host: 'r1',
      port: 6379,
      tls: { enabled: true, verify: false },
      pool: { max: 5, min: 1, idleTimeoutMs: 30_000 },
      timeouts: { connectMs: 1000, operationMs: 2000 },
      redis: { mode: 'sentinel', masterName: 'm', sentinels: [{ host: 's1', port: 26379 }] },
      hasSecret: true,
      secretFields: ['password'],
    };
    const v = toFormValues(view);
    expect(v.password).toBe('');
    const out = validateForm(v);
    expect(out.issues).toEqual([]);
    expect(out.input?.connection).toEqual(settingsOf(view));
  });
});

describe('connection form validation', () => {
  it('accepts a minimal valid form', () => {
    expect(validateForm(valid()).input?.connection).toMatchObject({ id: 'core', port: 3306 });
  });

  it('reports empty required fields as required and bad ones by field', () => {
    const { byField } = splitIssues(validateForm({ ...emptyForm(), role: '' }).issues);
    expect(byField.id?.code).toBe('keel_required');
    expect(byField.role?.code).toBe('keel_required');
    expect(byField.host?.code).toBe('keel_required');
    const bad = splitIssues(
      validateForm({ ...valid(), id: 'Bad Id', port: '70000' }).issues,
    ).byField;
    expect(bad.id?.code).toBe('invalid_format');
    expect(bad.port?.code).toBe('too_big');
  });

  it('starts with the usual role of the kind and moves it along with the kind', () => {
    expect(emptyForm('redis').role).toBe('cache');
    expect(changeKind(emptyForm('mysql'), 'influxdb').role).toBe('metrics');
    expect(changeKind({ ...emptyForm('mysql'), role: 'business:crm' }, 'redis').role).toBe(
      'business:crm',
    );
  });

  it('refuses an id already used in the environment', () => {
    expect(splitIssues(validateForm(valid(), ['core']).issues).byField.id?.code).toBe(
      'keel_duplicate',
    );
  });

  it('maps schema and server paths onto fields', () => {
    expect(fieldOfPath(['connection', 'tls', 'ca'])).toBe('tlsCa');
    expect(fieldOfPath(['redis', 'sentinels', 0, 'host'])).toBe('redisSentinels');
    expect(fieldOfPath(['secret', 'password'])).toBe('password');
    expect(fieldOfPath(['connection', 'replica'])).toBe('replicaHost');
    expect(fieldOfPath(['envId'])).toBeUndefined();
    const issues = issuesFromServer([
      { path: ['connection', 'port'], message: 'bad port' },
      { path: ['envId'], message: 'bad env' },
    ]);
    const split = splitIssues(issues);
    expect(split.byField.port?.message).toBe('bad port');
    expect(split.general.map((i) => i.message)).toEqual(['bad env']);
  });
});
