import {
  DEFAULT_PORTS,
  DEFAULT_ROLES,
  type ConnectionSecret,
  type ConnectionView,
  type Endpoint,
  type StoreKind,
} from '@shared/models/environment';
import type { ParsedUri } from '@shared/models/uri';

/** Everything the connection form edits, as typed (strings for numbers, so half-typed input is kept). */
export interface FormValues {
  id: string;
  name: string;
  kind: StoreKind;
  role: string;
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
  tlsEnabled: boolean;
  tlsVerify: boolean;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  tlsServername: string;
  poolMax: string;
  poolMin: string;
  poolIdleTimeoutMs: string;
  connectMs: string;
  operationMs: string;
  replicaEnabled: boolean;
  replicaHost: string;
  replicaPort: string;
  redisMode: 'standalone' | 'sentinel' | 'cluster';
  redisMasterName: string;
  redisSentinels: string;
  redisNodes: string;
  org: string;
  token: string;
}
export type FieldName = keyof FormValues;

/** One problem with the form: on a field, or (field undefined) on the form as a whole. */
export interface FormIssue {
  field: FieldName | undefined;
  code: string;
  message: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  line?: number;
}

export const SECRET_FIELDS = [
  'password',
  'token',
  'tlsKey',
] as const satisfies readonly FieldName[];
export const DEFAULT_SENTINEL_PORT = 26379;
export const REPLICA_KINDS: readonly StoreKind[] = ['mysql', 'mongodb'];

export function emptyForm(kind: StoreKind = 'mysql'): FormValues {
  return {
    id: '',
    name: '',
    kind,
    role: DEFAULT_ROLES[kind],
    host: '',
    port: String(DEFAULT_PORTS[kind]),
    user: '',
    password: '',
    database: '',
    tlsEnabled: false,
    tlsVerify: true,
    tlsCa: '',
    tlsCert: '',
    tlsKey: '',
    tlsServername: '',
    poolMax: '10',
    poolMin: '0',
    poolIdleTimeoutMs: '60000',
    connectMs: '5000',
    operationMs: '10000',
    replicaEnabled: false,
    replicaHost: '',
    replicaPort: String(DEFAULT_PORTS[kind]),
    redisMode: 'standalone',
    redisMasterName: '',
    redisSentinels: '',
    redisNodes: '',
    org: '',
    token: '',
  };
}

export const formatEndpoint = (e: Endpoint): string =>
  e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;

/** The form of a stored connection. Secret fields start empty: they are write-only. */
export function toFormValues(c: ConnectionView): FormValues {
  const base = emptyForm(c.kind);
  const redis = c.redis;
  return {
    ...base,
    id: c.id,
    name: c.name,
    role: c.role,
    host: c.host,
    port: String(c.port),
    user: c.user ?? '',
    database: c.database ?? '',
    tlsEnabled: c.tls.enabled,
    tlsVerify: c.tls.verify,
    tlsCa: c.tls.ca ?? '',
    tlsCert: c.tls.cert ?? '',
    tlsServername: c.tls.servername ?? '',
    poolMax: String(c.pool.max),
    poolMin: String(c.pool.min),
    poolIdleTimeoutMs: String(c.pool.idleTimeoutMs),
    connectMs: String(c.timeouts.connectMs),
    operationMs: String(c.timeouts.operationMs),
    replicaEnabled: c.replica !== undefined,
    replicaHost: c.replica?.host ?? '',
    replicaPort: String(c.replica?.port ?? DEFAULT_PORTS[c.kind]),
    redisMode: redis?.mode ?? 'standalone',
    redisMasterName: redis?.mode === 'sentinel' ? redis.masterName : '',
    redisSentinels:
      redis?.mode === 'sentinel' ? redis.sentinels.map(formatEndpoint).join('\n') : '',
    redisNodes: redis?.mode === 'cluster' ? redis.nodes.map(formatEndpoint).join('\n') : '',
    org: c.org ?? '',
  };
}

/** Fill the form from a parsed connection string. The password goes to the password field only. */
export function applyParsedUri(values: FormValues, parsed: ParsedUri): FormValues {
  const c = parsed.connection;
  const next: FormValues = {
    ...values,
    kind: c.kind,
    host: c.host,
    port: String(c.port),
    user: c.user ?? values.user,
    database: c.database ?? values.database,
    org: c.org ?? values.org,
    name: values.name === '' ? (c.name ?? c.host) : values.name,
    role: roleFor(values, c.kind),
  };
  if (c.tls) {
    next.tlsEnabled = c.tls.enabled ?? true;
    next.tlsVerify = c.tls.verify ?? true;
  }
  if (parsed.password !== undefined) next.password = parsed.password;
  return next;
}

/** An empty (or still default) role follows the kind; a role the user typed stays. */
function roleFor(values: FormValues, kind: StoreKind): string {
  const r = values.role.trim();
  return r === '' || r === DEFAULT_ROLES[values.kind] ? DEFAULT_ROLES[kind] : values.role;
}

/** A kind change moves a default port and role along; what the user typed stays. */
export function changeKind(values: FormValues, kind: StoreKind): FormValues {
  const wasDefault = values.port === '' || values.port === String(DEFAULT_PORTS[values.kind]);
  const replicaDefault =
    values.replicaPort === '' || values.replicaPort === String(DEFAULT_PORTS[values.kind]);
  return {
    ...values,
    kind,
    role: roleFor(values, kind),
    port: wasDefault ? String(DEFAULT_PORTS[kind]) : values.port,
    replicaPort: replicaDefault ? String(DEFAULT_PORTS[kind]) : values.replicaPort,
  };
}

/** A connection id suggested from its name: `Core MySQL` → `core-mysql`. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 63);
}

const INT = /^-?\d+$/;

/** One `host:port` (or `[v6]:port`, or bare host with `defaultPort`) per line. */
export function parseEndpoints(
  text: string,
  defaultPort: number,
): { endpoints: Endpoint[]; badLine?: number } {
  const endpoints: Endpoint[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(line) ?? /^([^:\s[\]]+)(?::(\d+))?$/.exec(line);
    if (!m?.[1]) return { endpoints, badLine: i + 1 };
    endpoints.push({ host: m[1], port: m[2] === undefined ? defaultPort : Number(m[2]) });
  }
  return { endpoints, badLine: undefined };
}

export interface BuiltInput {
  connection: Record<string, unknown>;
  secret: ConnectionSecret | undefined;
  issues: FormIssue[];
}

/** Form values → the contract's `connection` and `secret`, plus problems found while converting. */
export function buildInput(v: FormValues): BuiltInput {
  const issues: FormIssue[] = [];
  const num = (field: FieldName, s: string): number | undefined => {
    const text = s.trim();
    if (text === '') return undefined;
    if (!INT.test(text)) {
      issues.push({ field, code: 'keel_number', message: 'enter a whole number' });
      return undefined;
    }
    return Number(text);
  };
  const opt = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

  const connection: Record<string, unknown> = {
    id: v.id.trim(),
    name: v.name.trim(),
    kind: v.kind,
    role: v.role.trim(),
    host: v.host.trim(),
    port: num('port', v.port),
    user: opt(v.user),
    database: opt(v.database),
    tls: {
      enabled: v.tlsEnabled,
      verify: v.tlsVerify,
      ca: opt(v.tlsCa),
      cert: opt(v.tlsCert),
      servername: opt(v.tlsServername),
    },
    pool: {
      max: num('poolMax', v.poolMax),
      min: num('poolMin', v.poolMin),
      idleTimeoutMs: num('poolIdleTimeoutMs', v.poolIdleTimeoutMs),
    },
    timeouts: {
      connectMs: num('connectMs', v.connectMs),
      operationMs: num('operationMs', v.operationMs),
    },
  };
  if (REPLICA_KINDS.includes(v.kind) && v.replicaEnabled) {
    connection['replica'] = { host: v.replicaHost.trim(), port: num('replicaPort', v.replicaPort) };
  }
  if (v.kind === 'redis') {
    if (v.redisMode === 'sentinel') {
      const { endpoints, badLine } = parseEndpoints(v.redisSentinels, DEFAULT_SENTINEL_PORT);
      if (badLine !== undefined)
        issues.push({
          field: 'redisSentinels',
          code: 'keel_endpoints',
          message: 'host:port',
          line: badLine,
        });
      connection['redis'] = {
        mode: 'sentinel',
        masterName: v.redisMasterName.trim(),
        sentinels: endpoints,
      };
    } else if (v.redisMode === 'cluster') {
      const { endpoints, badLine } = parseEndpoints(v.redisNodes, DEFAULT_PORTS.redis);
      if (badLine !== undefined)
        issues.push({
          field: 'redisNodes',
          code: 'keel_endpoints',
          message: 'host:port',
          line: badLine,
        });
      connection['redis'] = { mode: 'cluster', nodes: endpoints };
    } else {
      connection['redis'] = { mode: 'standalone' };
    }
  }
  if (v.kind === 'influxdb') connection['org'] = opt(v.org);

  const secret: ConnectionSecret = {};
  if (v.password !== '') secret.password = v.password;
  if (v.kind === 'influxdb' && v.token !== '') secret.token = v.token;
  if (v.tlsEnabled && v.tlsKey.trim() !== '') secret.tlsKey = v.tlsKey;
  return { connection, secret: Object.keys(secret).length > 0 ? secret : undefined, issues };
}
