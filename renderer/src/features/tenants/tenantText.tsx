import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Tier } from '@shared/blueprint';
import type { TenantStatus } from '@shared/tenants';
import { useFormat } from '../../lib/useFormat';

const STATUS_SHAPE: Record<TenantStatus, string> = {
  provisioning: '◐',
  active: '●',
  suspended: '❚❚',
  pending_deletion: '▲',
  purged: '○',
};

/** Colour plus shape plus word, so the status never depends on colour alone. */
export function TenantStatusBadge({ status }: { status: TenantStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status tenant-status-${status}`}>
      <span aria-hidden="true">{STATUS_SHAPE[status]}</span> {t(`tenants.status.${status}`)}
    </span>
  );
}

/** Labels shared by the table, the drawer, the form and the CSV export. */
export function useTenantText() {
  const { t } = useTranslation();
  const fmt = useFormat();
  return useMemo(
    () => ({
      tier: (tier: Tier): string => t(`tenants.tier.${tier}`),
      status: (s: TenantStatus): string => t(`tenants.status.${s}`),
      unlimited: t('tenants.unlimited'),
      /** A quota or limit: the number, or "unlimited" for null. */
      quota: (n: number | null): string => (n === null ? t('tenants.unlimited') : fmt.number(n)),
      storage: (mb: number | null): string =>
        mb === null ? t('tenants.unlimited') : t('tenants.mb', { n: fmt.number(mb) }),
      price: (price: number | null, currency: string): string =>
        price === null
          ? t('tenants.plan.customPrice')
          : t('tenants.plan.price', { price: fmt.number(price), currency }),
    }),
    [t, fmt],
  );
}
