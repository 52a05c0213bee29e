import { flagKeyOf, type Dimension, type Flag, type Utilisation } from '../../../../shared/quotas';
import type { RedisStore } from '../../stores/redis.store';
import type { AuditLog } from '../tenants/audit';
import { wantedFlags } from './evaluate';
import type { StoredFlag, UsageStore } from './usage-store';

export interface Enforcement {
  envId: string;
  /** The Redis the platform reads flags from (the blueprint's business database). */
  redis?: { store: RedisStore; db: number };
  usage: UsageStore;
  audit: AuditLog;
}

export interface Decision {
  tenantId: string;
  util: readonly Utilisation[];
}

export interface Reconciled {
  set: Flag[];
  cleared: Flag[];
  /** Set when flags could not be written (no Redis): hard limits are not enforced. */
  error?: string;
}

/** The flag's value in Redis: what the platform (and a person with redis-cli) reads. */
export const flagValue = (f: StoredFlag): string =>
  JSON.stringify({
    dimension: f.dimension,
    usage: f.usage,
    limit: f.limit,
    since: f.since,
    by: 'keel',
  });

const toFlag = (f: StoredFlag): Flag => ({ ...f });

/**
 * Make the enforcement flags match the decisions: set a flag for every dimension over its hard
 * limit, clear the ones whose usage fell back or whose limit was raised, put back a flag Redis
 * lost. `all`: the decisions cover every tenant, so flags of tenants not among them (deleted)
 * are cleared too. Every set and clear is audited; Redis is written before Keel's record, so
 * the record never claims a flag the platform cannot see.
 */
export async function reconcileFlags(
  e: Enforcement,
  decisions: readonly Decision[],
  actor: string,
  reason: string,
  all: boolean,
): Promise<Reconciled> {
  const out: Reconciled = { set: [], cleared: [] };
  const only = decisions.length === 1 && !all ? decisions[0]?.tenantId : undefined;
  const existing = await e.usage.flags(only);
  const byKey = new Map(existing.map((f) => [`${f.tenantId}|${f.dimension}`, f]));
  const wanted = new Map<string, StoredFlag>();
  const kept = new Set<string>();
  const now = new Date().toISOString();
  for (const d of decisions) {
    const { over, keep } = wantedFlags(d.util);
    for (const dim of keep) kept.add(`${d.tenantId}|${dim}`);
    for (const dim of over) {
      const u = d.util.find((x) => x.dimension === dim) as Utilisation;
      const prev = byKey.get(`${d.tenantId}|${dim}`);
      wanted.set(`${d.tenantId}|${dim}`, {
        tenantId: d.tenantId,
        dimension: dim,
        key: flagKeyOf(d.tenantId, dim),
        usage: u.usage.value,
        limit: u.limit ?? 0,
        since: prev?.since ?? now,
      });
    }
  }
  const covered = new Set(decisions.map((d) => d.tenantId));
  const toClear = existing.filter((f) => {
    const k = `${f.tenantId}|${f.dimension}`;
    return !wanted.has(k) && !kept.has(k) && (all || covered.has(f.tenantId));
  });
  const toSet = [...wanted.values()].filter((f) => !byKey.has(`${f.tenantId}|${f.dimension}`));
  const toRefresh = [...wanted.values()].filter((f) => byKey.has(`${f.tenantId}|${f.dimension}`));
  if (!e.redis) {
    if (toSet.length || toClear.length)
      out.error = 'no Redis connection: hard limits are measured but no flag can be set or cleared';
    return out;
  }
  const { store, db } = e.redis;
  // Flags Keel holds that Redis lost (restarted without data) are put back with the refresh.
  const present = toRefresh.length
    ? await store.pipelineIn(
        db,
        toRefresh.map((f) => ['EXISTS', f.key]),
      )
    : [];
  const lost = toRefresh.filter((_, i) => Number(present[i]?.[1]) !== 1);
  for (const f of [...toSet, ...lost]) {
    const isNew = toSet.includes(f);
    try {
      const [r] = await store.pipelineIn(db, [['SET', f.key, flagValue(f)]]);
      if (r?.[0]) throw r[0];
      await e.usage.putFlag(f);
      await e.audit.write({
        envId: e.envId,
        actor,
        action: 'quota.flag.set',
        target: f.key,
        tenantId: f.tenantId,
        before: isNew ? null : { restored: 'Redis had lost the flag' },
        after: { ...toFlag(f), reason },
      });
      if (isNew) out.set.push(toFlag(f));
    } catch (err) {
      await auditFailure(e, actor, 'quota.flag.set', f, err);
      throw err;
    }
  }
  for (const f of toRefresh.filter((x) => !lost.includes(x))) await e.usage.putFlag(f);
  for (const f of toClear) {
    try {
      const [r] = await store.pipelineIn(db, [['DEL', f.key]]);
      if (r?.[0]) throw r[0];
      await e.usage.dropFlag(f.tenantId, f.dimension);
      await e.audit.write({
        envId: e.envId,
        actor,
        action: 'quota.flag.clear',
        target: f.key,
        tenantId: f.tenantId,
        before: toFlag(f),
        after: { reason: covered.has(f.tenantId) ? reason : 'the tenant is gone' },
      });
      out.cleared.push(toFlag(f));
    } catch (err) {
      await auditFailure(e, actor, 'quota.flag.clear', f, err);
      throw err;
    }
  }
  return out;
}

async function auditFailure(
  e: Enforcement,
  actor: string,
  action: string,
  f: StoredFlag,
  err: unknown,
): Promise<void> {
  await e.audit
    .write({
      envId: e.envId,
      actor,
      action,
      target: f.key,
      tenantId: f.tenantId,
      before: toFlag(f),
      error: err instanceof Error ? err.message : String(err),
    })
    .catch(() => undefined);
}

/** Which of a tenant's dimensions are flagged now (Keel's record). */
export const flaggedOf = (flags: readonly StoredFlag[], tenantId: string): Dimension[] =>
  flags.filter((f) => f.tenantId === tenantId).map((f) => f.dimension);
