import {
  connectionSchema,
  type Connection,
  type ConnectionSecret,
} from '@shared/models/environment';
import type { ServerIssue } from '../../../lib/errors';
import { buildInput, type FieldName, type FormIssue, type FormValues } from './formModel';

const GROUPS: Record<string, Record<string, FieldName>> = {
  tls: {
    enabled: 'tlsEnabled',
    verify: 'tlsVerify',
    ca: 'tlsCa',
    cert: 'tlsCert',
    servername: 'tlsServername',
  },
  pool: { max: 'poolMax', min: 'poolMin', idleTimeoutMs: 'poolIdleTimeoutMs' },
  timeouts: { connectMs: 'connectMs', operationMs: 'operationMs' },
  replica: { host: 'replicaHost', port: 'replicaPort' },
  redis: {
    mode: 'redisMode',
    masterName: 'redisMasterName',
    sentinels: 'redisSentinels',
    nodes: 'redisNodes',
  },
  secret: { password: 'password', token: 'token', tlsKey: 'tlsKey' },
};
const TOP: readonly string[] = [
  'id',
  'name',
  'kind',
  'role',
  'host',
  'port',
  'user',
  'database',
  'org',
];

/**
 * The form field for a schema path: `['port']`, `['connection','tls','ca']` (server issues of
 * saveConnection / testConnection), `['secret','password']`, `['redis','sentinels',0,'host']`.
 */
export function fieldOfPath(path: ReadonlyArray<string | number | symbol>): FieldName | undefined {
  const p = path.map(String);
  if (p[0] === 'connection') p.shift();
  const [head, next] = p;
  if (head === undefined) return undefined;
  if (TOP.includes(head)) return head as FieldName;
  const group = GROUPS[head];
  if (!group) return undefined;
  if (next !== undefined && group[next]) return group[next];
  if (head === 'replica') return 'replicaHost';
  if (head === 'redis') return 'redisMode';
  return undefined;
}

export interface Validated {
  issues: FormIssue[];
  /** Present when the form is valid: what to send. */
  input?: { connection: Connection; secret: ConnectionSecret | undefined };
}

/** Check the form against the contract's own schema; the same rules the server applies. */
export function validateForm(values: FormValues, existingIds: readonly string[] = []): Validated {
  const built = buildInput(values);
  const issues = [...built.issues];
  if (existingIds.includes(values.id.trim())) {
    issues.push({ field: 'id', code: 'keel_duplicate', message: 'id in use' });
  }
  const parsed = connectionSchema.safeParse(built.connection);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const field = fieldOfPath(i.path);
      // A number field that failed to parse already has its own issue.
      if (field && issues.some((x) => x.field === field)) continue;
      const raw = i as unknown as { minimum?: unknown; maximum?: unknown; origin?: unknown };
      const empty =
        field !== undefined && typeof values[field] === 'string' && values[field] === '';
      issues.push({
        field,
        // An empty field reads better as "required" than as the pattern it failed.
        code:
          empty && ['invalid_type', 'invalid_format', 'too_small'].includes(i.code)
            ? 'keel_required'
            : i.code,
        message: i.message,
        ...(typeof raw.minimum === 'number' && { minimum: raw.minimum }),
        ...(typeof raw.maximum === 'number' && { maximum: raw.maximum }),
        ...(typeof raw.origin === 'string' && { origin: raw.origin }),
      });
    }
  }
  if (issues.length > 0 || !parsed.success) return { issues };
  return { issues, input: { connection: parsed.data, secret: built.secret } };
}

/** A server VALIDATION error's issues placed on the form's fields where the paths match. */
export function issuesFromServer(server: readonly ServerIssue[]): FormIssue[] {
  return server.map((s) => ({ field: fieldOfPath(s.path), code: 'server', message: s.message }));
}

/** The first issue per field (what the field shows) and the rest that belong to no field. */
export function splitIssues(issues: readonly FormIssue[]): {
  byField: Partial<Record<FieldName, FormIssue>>;
  general: FormIssue[];
} {
  const byField: Partial<Record<FieldName, FormIssue>> = {};
  const general: FormIssue[] = [];
  for (const i of issues) {
    if (i.field === undefined) general.push(i);
    else byField[i.field] ??= i;
  }
  return { byField, general };
}
