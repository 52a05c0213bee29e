import { KeelError } from '../errors';
import { DEFAULT_PORTS, type ConnectionInput, type StoreKind } from './environment';

/** What a pasted connection string yields: form fields, and a password kept apart. */
export interface ParsedUri {
  connection: Partial<ConnectionInput> & { kind: StoreKind; host: string; port: number };
  password?: string;
}

const SCHEMES: Record<string, { kind: StoreKind; tls?: boolean }> = {
  'mysql:': { kind: 'mysql' },
  'mariadb:': { kind: 'mysql' },
  'mongodb:': { kind: 'mongodb' },
  'redis:': { kind: 'redis' },
  'rediss:': { kind: 'redis', tls: true },
  'influxdb:': { kind: 'influxdb' },
  'http:': { kind: 'influxdb' },
  'https:': { kind: 'influxdb', tls: true },
};

/**
 * Parse `mysql://user:pass@host:3306/db`, `mongodb://…`, `redis://:pass@host:6379/2`,
 * `rediss://…`, `http(s)://influx:8086?db=metrics`. Pure (runs in the renderer, CLI and main).
 * Errors never echo the URI, which may hold a password.
 */
export function parseConnectionUri(uri: string): ParsedUri {
  const text = uri.trim();
  if (text.startsWith('mongodb+srv:')) {
    throw new KeelError(
      'VALIDATION',
      'mongodb+srv:// (DNS seed lists) is not supported: give one host:port of the replica set',
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KeelError('VALIDATION', 'not a connection string (expected scheme://host:port)');
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw new KeelError(
      'VALIDATION',
      `unsupported scheme "${url.protocol.replace(/:$/, '')}": use mysql, mariadb, mongodb, redis, rediss, http or https`,
    );
  }
  if (url.hostname === '') throw new KeelError('VALIDATION', 'the connection string has no host');
  if (url.hostname.includes(',') || url.host.includes(',')) {
    throw new KeelError('VALIDATION', 'several hosts in one string are not supported: give one');
  }
  const kind = scheme.kind;
  const port = url.port === '' ? DEFAULT_PORTS[kind] : Number(url.port);
  const user = decodeURIComponent(url.username) || undefined;
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const q = url.searchParams;

  const tlsOn =
    scheme.tls === true ||
    ['true', '1', 'required', 'verify_ca', 'verify_identity'].includes(
      (q.get('tls') ?? q.get('ssl') ?? q.get('ssl-mode') ?? '').toLowerCase(),
    );
  const insecure = ['true', '1'].includes((q.get('tlsInsecure') ?? '').toLowerCase());

  let database: string | undefined;
  if (kind === 'redis') {
    database = path === '' ? undefined : path;
    if (database !== undefined && !/^\d{1,2}$/.test(database)) {
      throw new KeelError('VALIDATION', 'a Redis database is a number (redis://host:6379/2)');
    }
  } else if (kind === 'influxdb') {
    database = q.get('db') ?? q.get('bucket') ?? (path === '' ? undefined : path);
  } else {
    database = path === '' ? (q.get('authSource') ?? undefined) : path;
  }

  const connection: ParsedUri['connection'] = {
    kind,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    ...(user !== undefined && { user }),
    ...(database !== undefined && { database }),
    ...(tlsOn && { tls: { enabled: true, verify: !insecure } }),
    ...(kind === 'influxdb' && q.get('org') !== null && { org: q.get('org') ?? undefined }),
  };
  const replicaSet = q.get('replicaSet');
  if (kind === 'mongodb' && replicaSet) connection.name = replicaSet;
  return password === undefined ? { connection } : { connection, password };
}
