import { createHash } from 'node:crypto';
import type { BackupScope } from '../../../../shared/backups';
import type { Blueprint } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import type { Environment } from '../../../../shared/models/environment';
import type { ScheduleInput } from '../../../../shared/schedules';

export interface ScheduleRequest {
  envId: string;
  connectionId: string;
  scope: BackupScope;
  enabled: boolean;
}

/** A schedule id per connection and scope: `backup-full-<connection>[-<scope hash>]`. */
function scheduleId(connectionId: string, scope: BackupScope): string {
  const tail =
    scope.type === 'server'
      ? ''
      : `-${createHash('sha256').update(JSON.stringify(scope)).digest('hex').slice(0, 8)}`;
  return `backup-full-${connectionId}`.slice(0, 63 - tail.length) + tail;
}

/**
 * The schedules the blueprint's `backups:` policy asks for on one connection, and what it asks
 * for that Keel cannot schedule yet (with the reason).
 */
export function schedulePlan(
  env: Environment,
  blueprint: Blueprint,
  r: ScheduleRequest,
): {
  schedules: Array<ScheduleInput & { tz: string; enabled: boolean }>;
  notScheduled: Array<{ what: string; reason: string }>;
} {
  const conn = env.connections.find((c) => c.id === r.connectionId);
  if (!conn) throw new KeelError('NOT_FOUND', `no connection "${r.connectionId}" in ${r.envId}`);
  const p = blueprint.backups;
  return {
    schedules: [
      {
        id: scheduleId(conn.id, r.scope),
        envId: r.envId,
        name: `Full backup of ${conn.name} (${r.scope.type === 'tenant' ? `tenant ${r.scope.tenantId}` : r.scope.type}), kept ${p.full.keepDays} days`,
        target: {
          kind: 'backups.run',
          payload: {
            envId: r.envId,
            connectionId: conn.id,
            scope: r.scope,
            verify: true,
            keepDays: p.full.keepDays,
          },
        },
        cron: p.full.cron,
        tz: p.tz,
        enabled: r.enabled,
      },
    ],
    notScheduled: [
      {
        what: `incremental (${p.incremental.cron}, kept ${p.incremental.keepDays} days)`,
        reason:
          conn.kind === 'mysql'
            ? 'binlog capture is not built yet: the RPO is the full backup interval'
            : `${conn.kind} has no incremental backup: the RPO is the full backup interval`,
      },
      { what: `restore drill (${p.drill.cron})`, reason: 'restores come with the restores issue' },
    ],
  };
}
