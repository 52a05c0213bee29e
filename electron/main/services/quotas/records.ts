import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { KeelError } from '../../../../shared/errors';
import type { Limits } from '../../../../shared/quotas';
import type { TenantSummary } from '../../../../shared/tenants';
import type { RedisStore } from '../../stores/redis.store';
import { sqlTime, type Catalog } from '../tenants/catalog';
import { quotaKeyOf } from '../tenants/redis-access';

/**
 * A tenant's plan in the catalog: plan and its limits (the quota_* columns) change together,
 * only from the plan the preview was made against (a concurrent change is refused, not
 * overwritten). Through the catalog's public table names; catalog.ts has no plan setter.
 */
export async function setCatalogPlan(
  catalog: Catalog,
  t: TenantSummary,
  plan: string,
  limits: Limits,
): Promise<TenantSummary> {
  const res = await catalog.store.query<RowDataPacket[]>(
    `UPDATE ${catalog.t('tenants')} SET plan = ?, quota_api_calls = ?, quota_storage_mb = ?, quota_users = ?, quota_services = ?, updated_at = ? WHERE id = ? AND plan = ? AND status IN ('active', 'suspended')`,
    [
      plan,
      limits.apiCalls,
      limits.storageMb,
      limits.users,
      limits.services,
      sqlTime(),
      t.id,
      t.plan,
    ],
  );
  if ((res as unknown as ResultSetHeader).affectedRows !== 1) {
    throw new KeelError(
      'CONFLICT',
      `tenant ${t.id} changed while its plan change was prepared (plan, status or row): preview again`,
    );
  }
  return catalog.get(t.id);
}

/**
 * Keel's quota record in Redis (`keel:tenant:{id}:quota`, written at provisioning) gets the
 * effective limits (-1 = unlimited) and plan. Only an existing record is updated.
 */
export async function writeQuotaRecord(
  redis: RedisStore,
  db: number,
  tenantId: string,
  plan: string,
  limits: Limits,
): Promise<boolean> {
  const key = quotaKeyOf(tenantId);
  const [exists] = await redis.pipelineIn(db, [['EXISTS', key]]);
  if (exists?.[0]) throw exists[0];
  if (Number(exists?.[1]) !== 1) return false;
  const v = (n: number | null): string => String(n ?? -1);
  const [r] = await redis.pipelineIn(db, [
    [
      'HSET',
      key,
      'plan',
      plan,
      'api_calls',
      v(limits.apiCalls),
      'storage_mb',
      v(limits.storageMb),
      'users',
      v(limits.users),
      'services',
      v(limits.services),
    ],
  ]);
  if (r?.[0]) throw r[0];
  return true;
}
