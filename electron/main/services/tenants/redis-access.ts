import { KeelError } from '../../../../shared/errors';
import type { TenantStatus } from '../../../../shared/tenants';
import type { RedisStore } from '../../stores/redis.store';
import { namesOf } from './names';
import type { Targets } from './placement';

/**
 * Keel's own records about a tenant live under `keel:tenant:<id>:`, outside every tenant's key
 * pattern (`~<keyPrefix>*`): a tenant may read its own (`%R~`), never write it.
 */
export const KEEL_KEYS = 'keel:';

export const keelPrefixOf = (tenantId: string): string => `${KEEL_KEYS}tenant:${tenantId}:`;

/** Keel's record of a tenant's plan, quotas and status (a hash). */
export const quotaKeyOf = (tenantId: string): string => `${keelPrefixOf(tenantId)}quota`;

/**
 * Refuse a tenant key prefix whose pattern would cover Keel's records (or the reverse): a
 * blueprint template like `{tenant}:` gives the tenant `keel` the prefix `keel:`.
 */
export function assertOutsideKeel(keyPrefix: string): void {
  if (keyPrefix.startsWith(KEEL_KEYS) || KEEL_KEYS.startsWith(keyPrefix)) {
    throw new KeelError(
      'VALIDATION',
      `the Redis key prefix ${keyPrefix} overlaps Keel's own records (${KEEL_KEYS}…): choose another tenant id or key prefix`,
    );
  }
}

/**
 * Commands no tenant gets, whatever the blueprint grants: Redis 7 ACL key and channel patterns
 * do not confine them, so each lists, changes or watches what belongs to every tenant. SCAN
 * (even with MATCH), KEYS, RANDOMKEY and DBSIZE list key names; PUBSUB lists channels; CLIENT
 * TRACKING BCAST streams every key written; SCRIPT FLUSH / KILL / DEBUG, FUNCTION and MEMORY
 * STATS act on or read the whole server. Kept: CLIENT's own-connection subcommands and MEMORY
 * USAGE of a key (checked against the key pattern).
 */
export const TENANT_DENIED: readonly string[] = [
  '-@admin',
  '-keys',
  '-scan',
  '-randomkey',
  '-dbsize',
  '-flushdb',
  '-flushall',
  '-swapdb',
  '-info',
  '-role',
  '-migrate',
  '-pubsub',
  '-script|flush',
  '-script|kill',
  '-script|debug',
  '-function',
  '-memory',
  '+memory|usage',
  '-client',
  '+client|id',
  '+client|info',
  '+client|getname',
  '+client|setname',
  '+client|reply',
];

/**
 * What a tenant's Redis user may do: its own keys and channels, read-only Keel's record of it,
 * the blueprint's commands, and never a command that reaches past its keys (TENANT_DENIED, last
 * so no blueprint can grant them back).
 */
export function aclPermissions(t: Targets, tenantId: string): string[] {
  const n = namesOf(t, tenantId);
  assertOutsideKeel(n.keyPrefix);
  return [
    `~${n.keyPrefix}*`,
    `&${n.keyPrefix}*`,
    `%R~${keelPrefixOf(tenantId)}*`,
    ...t.blueprint.redis.aclCommands.split(' '),
    ...TENANT_DENIED,
  ];
}

/** ACL rules of a new tenant Redis user: enabled or not, its password hash, its permissions. */
export function aclRules(
  t: Targets,
  tenantId: string,
  passwordHash: string | null,
  on = true,
): string[] {
  return [
    'reset',
    on ? 'on' : 'off',
    passwordHash ? `#${passwordHash}` : '#<sha256 of a generated password>',
    ...aclPermissions(t, tenantId),
  ];
}

/** Rules that replace an existing user's permissions and keep its on/off state and passwords. */
export function aclPermissionsUpdate(t: Targets, tenantId: string): string[] {
  return ['clearselectors', 'resetkeys', 'resetchannels', '-@all', ...aclPermissions(t, tenantId)];
}

/** A tenant's access as Redis holds it: ACL user enabled (null: no user) and Keel's status. */
export interface AccessState {
  on: boolean | null;
  status: string | null;
}

/** A tenant's ACL user and Keel's record of its status, read and changed together. */
export class TenantAccess {
  constructor(
    private readonly redis: RedisStore,
    private readonly db: number,
    private readonly user: string,
    private readonly tenantId: string,
  ) {}

  async read(): Promise<AccessState> {
    const acl = (await this.redis.command(['ACL', 'GETUSER', this.user])) as unknown[] | null;
    const [r] = await this.redis.pipelineIn(this.db, [
      ['HGET', quotaKeyOf(this.tenantId), 'status'],
    ]);
    if (r?.[0]) throw r[0];
    let on: boolean | null = null;
    if (Array.isArray(acl)) {
      const flags = acl[acl.indexOf('flags') + 1];
      on = Array.isArray(flags) && flags.includes('on');
    }
    return { on, status: (r?.[1] as string | null) ?? null };
  }

  /** Turn the user on or off (off also disconnects it) and record the status beside it. */
  async set(on: boolean, status: TenantStatus | string): Promise<void> {
    await this.setUser(on);
    await this.setStatus(status);
  }

  /** Put back what `read` saw (after a change that failed half-way). */
  async restore(s: AccessState): Promise<void> {
    if (s.on !== null) await this.setUser(s.on);
    if (s.status !== null) await this.setStatus(s.status);
  }

  private async setUser(on: boolean): Promise<void> {
    if ((await this.redis.command(['ACL', 'GETUSER', this.user])) === null) return;
    await this.redis.command(['ACL', 'SETUSER', this.user, on ? 'on' : 'off']);
    if (!on) await this.redis.command(['CLIENT', 'KILL', 'USER', this.user]).catch(() => undefined);
  }

  /** Only an existing record is updated: a lone `status` field is no record (drift shows it). */
  private async setStatus(status: string): Promise<void> {
    const key = quotaKeyOf(this.tenantId);
    const [exists] = await this.redis.pipelineIn(this.db, [['EXISTS', key]]);
    if (exists?.[0]) throw exists[0];
    if (Number(exists?.[1]) !== 1) return;
    const [r] = await this.redis.pipelineIn(this.db, [['HSET', key, 'status', status]]);
    if (r?.[0]) throw r[0];
  }
}
