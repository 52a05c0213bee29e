import { KeelError, isKeelError, type ErrorCode } from '../../../shared/errors';
import type { StoreKind } from '../../../shared/models/environment';
import type { PlainError } from '../../../shared/models/health';
import { redactKnown } from '../lib/redact';

/** Where an error happened, to word it and to scrub known secrets from driver messages. */
export interface ErrorContext {
  kind: StoreKind;
  address: string;
  secrets?: ReadonlyArray<string | undefined>;
  tls?: boolean;
}

interface DriverError {
  code?: string | number;
  errno?: number;
  sqlState?: string;
  message?: string;
  name?: string;
  cause?: unknown;
  codeName?: string;
  reason?: unknown;
}

const NETWORK: Record<string, ErrorCode> = {
  ECONNREFUSED: 'CONN_REFUSED',
  ECONNRESET: 'CONN_REFUSED',
  EPIPE: 'CONN_REFUSED',
  EHOSTUNREACH: 'CONN_REFUSED',
  ENETUNREACH: 'CONN_REFUSED',
  PROTOCOL_CONNECTION_LOST: 'CONN_REFUSED',
  ENOTFOUND: 'HOST_NOT_FOUND',
  EAI_AGAIN: 'HOST_NOT_FOUND',
  EAI_NONAME: 'HOST_NOT_FOUND',
  ETIMEDOUT: 'TIMEOUT',
  ESOCKETTIMEDOUT: 'TIMEOUT',
  PROTOCOL_SEQUENCE_TIMEOUT: 'TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  EPROTO: 'TLS_FAILED',
  HANDSHAKE_SSL_ERROR: 'TLS_FAILED',
  HANDSHAKE_NO_SSL_SUPPORT: 'TLS_FAILED',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_FAILED',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_FAILED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_FAILED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_FAILED',
  CERT_HAS_EXPIRED: 'TLS_FAILED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_FAILED',
};

/** mysql2 error names (MySQL and MariaDB server errors share these). */
const MYSQL: Record<string, ErrorCode> = {
  ER_ACCESS_DENIED_ERROR: 'AUTH_FAILED',
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: 'AUTH_FAILED',
  ER_NOT_SUPPORTED_AUTH_MODE: 'AUTH_FAILED',
  ER_DBACCESS_DENIED_ERROR: 'PERMISSION_DENIED',
  ER_TABLEACCESS_DENIED_ERROR: 'PERMISSION_DENIED',
  ER_COLUMNACCESS_DENIED_ERROR: 'PERMISSION_DENIED',
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 'PERMISSION_DENIED',
  ER_KILL_DENIED_ERROR: 'PERMISSION_DENIED',
  ER_OPTION_PREVENTS_STATEMENT: 'PERMISSION_DENIED',
  ER_BAD_DB_ERROR: 'NOT_FOUND',
  ER_NO_SUCH_TABLE: 'NOT_FOUND',
  ER_UNKNOWN_TABLE: 'NOT_FOUND',
  ER_DB_CREATE_EXISTS: 'CONFLICT',
  ER_TABLE_EXISTS_ERROR: 'CONFLICT',
  ER_DUP_ENTRY: 'CONFLICT',
  ER_QUERY_TIMEOUT: 'TIMEOUT',
  ER_STATEMENT_TIMEOUT: 'TIMEOUT',
  ER_CON_COUNT_ERROR: 'UNAVAILABLE',
  ER_TOO_MANY_USER_CONNECTIONS: 'UNAVAILABLE',
};

/** MongoDB server error codes. */
const MONGO: Record<number, ErrorCode> = {
  18: 'AUTH_FAILED',
  11: 'AUTH_FAILED',
  13: 'PERMISSION_DENIED',
  26: 'NOT_FOUND',
  59: 'SERVER_ERROR',
  11000: 'CONFLICT',
  48: 'CONFLICT',
  50: 'TIMEOUT',
  262: 'TIMEOUT',
  73: 'VALIDATION',
};

function driverCode(e: DriverError): string | undefined {
  return e.code === undefined ? undefined : String(e.code);
}

/** Walk `cause` / `reason` chains (Mongo server selection, AggregateError) for a network code. */
function networkCode(e: unknown, depth = 0): ErrorCode | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  const d = e as DriverError & { errors?: unknown[] };
  const c = driverCode(d);
  const net = c ? NETWORK[c] : undefined;
  if (net) return net;
  if (/certificate|ssl|tls|wrong version number|handshake/i.test(d.message ?? ''))
    return 'TLS_FAILED';
  for (const inner of [d.cause, d.reason, ...(d.errors ?? [])]) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  if (d.reason && typeof d.reason === 'object' && 'servers' in d.reason) {
    const servers = (d.reason as { servers: Map<string, { error?: unknown }> }).servers;
    for (const s of servers?.values?.() ?? []) {
      const found = networkCode(s.error, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function classify(kind: StoreKind, e: DriverError): ErrorCode {
  const code = driverCode(e);
  const msg = e.message ?? '';
  const mysql = kind === 'mysql' && code ? MYSQL[code] : undefined;
  if (mysql) return mysql;
  const mongo = kind === 'mongodb' && typeof e.code === 'number' ? MONGO[e.code] : undefined;
  if (mongo) return mongo;
  if (kind === 'redis') {
    if (/^(WRONGPASS|NOAUTH)|invalid password|invalid username-password/i.test(msg))
      return 'AUTH_FAILED';
    if (/^NOPERM/.test(msg)) return 'PERMISSION_DENIED';
    if (/Command timed out/i.test(msg)) return 'TIMEOUT';
  }
  if (kind === 'mongodb' && /timed out|MongoServerSelectionError/i.test(`${e.name} ${msg}`)) {
    return networkCode(e) ?? 'TIMEOUT';
  }
  const net = networkCode(e);
  if (net) return net;
  if (
    /Connection is closed|connection.*(closed|lost)|socket hang up|Stream isn't writeable/i.test(
      msg,
    )
  ) {
    return 'CONN_REFUSED';
  }
  if (/timeout|timed out/i.test(msg)) return 'TIMEOUT';
  if (e.name === 'MongoParseError') return 'VALIDATION';
  return 'SERVER_ERROR';
}

const WORDS: Record<ErrorCode, string> = {
  CONN_REFUSED: 'Nothing answered at {address}, or the connection was cut',
  HOST_NOT_FOUND: 'The host name of {address} does not resolve',
  TIMEOUT: '{address} did not answer in time',
  TLS_FAILED: 'The TLS handshake with {address} failed (does the server have TLS enabled?)',
  AUTH_FAILED: '{address} refused the user name or password',
  PERMISSION_DENIED: 'The user is not allowed to do this on {address}',
  NOT_FOUND: 'Not found on {address}',
  CONFLICT: 'It already exists on {address}',
  UNAVAILABLE: '{address} is not accepting requests right now',
  SERVER_ERROR: '{address} answered with an error',
  VALIDATION: 'The connection settings are not valid',
  UNKNOWN_METHOD: 'Unknown method',
  PRECONDITION_FAILED: 'A precondition is not met',
  UNAUTHORIZED: 'Not authorised',
  FORBIDDEN: 'Forbidden',
  CANCELLED: 'Cancelled',
  SECRET_STORE_UNAVAILABLE: 'Secrets cannot be stored safely here',
  UNSUPPORTED: 'Not supported here',
  INTERNAL: 'Keel hit an unexpected error',
};

/** Map any driver error to a KeelError with the driver's own code and SQLSTATE in details. */
export function mapStoreError(e: unknown, ctx: ErrorContext): KeelError {
  if (isKeelError(e)) return e;
  const d = (e && typeof e === 'object' ? e : { message: String(e) }) as DriverError;
  let code = classify(ctx.kind, d);
  // A TLS client talking to a plain server sees a reset or no handshake at all.
  const tlsSuspect =
    (code === 'CONN_REFUSED' && /reset|closed/i.test(d.message ?? '')) ||
    (code === 'TIMEOUT' && /connect ETIMEDOUT/i.test(d.message ?? ''));
  if (ctx.tls && tlsSuspect) code = 'TLS_FAILED';
  const driverMsg = redactKnown(d.message ?? String(e), ctx.secrets ?? []);
  // ioredis's state while it reconnects, not a cause: Keel's words only, the text in details.
  const internal = ctx.kind === 'redis' && NOT_WRITABLE.test(d.message ?? '');
  const details: Record<string, unknown> = { kind: ctx.kind, address: ctx.address };
  if (d.code !== undefined) details.driverCode = d.code;
  if (d.errno !== undefined) details.errno = d.errno;
  if (d.sqlState !== undefined) details.sqlState = d.sqlState;
  if (d.codeName !== undefined) details.codeName = d.codeName;
  details.driverMessage = driverMsg;
  const words = WORDS[code].replace('{address}', ctx.address);
  return new KeelError(
    code,
    internal ? `${words} (reconnecting)` : `${words}: ${driverMsg}`,
    details,
  );
}

/** ioredis's refusal of a command while its connection is not up (the offline queue is off). */
export const NOT_WRITABLE = /Stream isn't writeable|enableOfflineQueue/i;

const HINTS: Partial<Record<ErrorCode, string>> = {
  CONN_REFUSED:
    'Check that the server is running and listens on this host and port (bind-address), and that no firewall is in between.',
  HOST_NOT_FOUND: 'Check the spelling of the host name and this machine’s DNS.',
  TIMEOUT:
    'The server may be overloaded or a firewall may drop packets; check the network path and the server load, or raise the time-out.',
  TLS_FAILED:
    'Check that the server has TLS enabled, that the CA certificate matches, and that the host name is in the certificate.',
  AUTH_FAILED:
    'Check the user name and password; for MySQL also the host part of the account (user@host).',
  PERMISSION_DENIED: 'Grant the privileges Keel needs to this user (see the README’s Permissions).',
  UNAVAILABLE:
    'Keel is backing off after repeated failures and will retry by itself; the server may also have hit its connection limit.',
  NOT_FOUND: 'Check the database name in the connection settings.',
  SERVER_ERROR: 'Read the server’s message; the server log has more.',
};

/** An error in plain words with what to check, for the Health page and the CLI. */
export function plainError(e: unknown, ctx: ErrorContext): PlainError {
  const k = mapStoreError(e, ctx);
  return {
    code: k.code,
    message: k.message,
    hint: HINTS[k.code] ?? 'See the Keel log for details.',
  };
}
