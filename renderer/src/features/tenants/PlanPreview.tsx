import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoreKind } from '@shared/models/environment';
import type { ProvisionPlan, ProvisionStep } from '@shared/tenants';
import { KindBadge } from '../../components/badges';
import { Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { cx } from '../../lib/cx';
import type { PlanPreview } from './usePreview';
import { useTenantText } from './tenantText';

type Store = ProvisionStep['store'];
const STORE_ORDER: readonly Store[] = ['catalog', 'mysql', 'mongodb', 'redis', 'influxdb'];
/** Statements longer than this (or on several lines) are folded. */
const SHORT = 100;

/** What provisioning would create, store by store, before anything runs. */
export function PlanPreviewView({ preview }: { preview: PlanPreview }) {
  const { t } = useTranslation();
  const headingId = useId();
  const plan =
    preview.status === 'ok'
      ? preview.plan
      : preview.status === 'pending'
        ? preview.previous
        : undefined;
  return (
    <section
      className={cx('plan-preview', preview.status === 'pending' && 'stale')}
      aria-labelledby={headingId}
      aria-busy={preview.status === 'pending'}
      data-testid="provision-preview"
      data-status={preview.status}
    >
      <h3 id={headingId} className="section-title">
        {t('tenants.preview.title')}
      </h3>
      {preview.status === 'idle' && <p className="muted">{t('tenants.preview.idle')}</p>}
      {preview.status === 'pending' && !plan && <Loading label={t('tenants.preview.loading')} />}
      {preview.status === 'error' && (
        <ErrorCallout error={preview.error} title={t('tenants.preview.failed')} />
      )}
      {plan && <PlanView plan={plan} />}
    </section>
  );
}

function PlanView({ plan }: { plan: ProvisionPlan }) {
  const { t } = useTranslation();
  const text = useTenantText();
  const groups = STORE_ORDER.map((store) => ({
    store,
    steps: plan.steps.filter((s) => s.store === store),
  })).filter((g) => g.steps.length > 0);
  return (
    <div className="stack">
      <p className="small">
        {t('tenants.preview.summary', {
          count: plan.steps.length,
          tier: text.tier(plan.tier),
          apiCalls: text.quota(plan.quotas.apiCalls),
          storage: text.storage(plan.quotas.storageMb),
        })}
      </p>
      {groups.map((g) => (
        <details
          key={g.store}
          className="preview-store"
          open
          data-testid="preview-store"
          data-store={g.store}
        >
          <summary>
            <StoreLabel store={g.store} />
            <span className="muted small">
              {t('tenants.preview.steps', { count: g.steps.length })}
              {g.steps[0]?.connectionId && ` · ${g.steps[0].connectionId}`}
            </span>
          </summary>
          <ol className="preview-steps">
            {g.steps.map((s) => (
              <li key={s.key} data-testid="preview-step" data-key={s.key}>
                <div className="preview-step-head">
                  <span className="pill">{s.action}</span>
                  <code className="break">{s.target}</code>
                </div>
                <Statement text={s.statement} />
              </li>
            ))}
          </ol>
        </details>
      ))}
      {plan.skipped.length > 0 && (
        <div className="callout" data-testid="preview-skipped">
          <strong>{t('tenants.preview.skipped')}</strong>
          <ul className="plain-list">
            {plan.skipped.map((s) => (
              <li key={s.store}>
                <StoreLabel store={s.store} /> — {s.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function StoreLabel({ store }: { store: string }) {
  const { t } = useTranslation();
  if (store === 'mysql' || store === 'mongodb' || store === 'redis' || store === 'influxdb')
    return <KindBadge kind={store as StoreKind} />;
  return <strong>{store === 'catalog' ? t('tenants.preview.catalog') : store}</strong>;
}

/** DDL can run to hundreds of lines: short statements show, long ones fold. */
function Statement({ text }: { text: string }) {
  const { t } = useTranslation();
  const lines = text.split('\n').length;
  if (lines === 1 && text.length <= SHORT)
    return <pre className="code-block statement">{text}</pre>;
  return (
    <details className="statement-fold">
      <summary className="small">
        <code>{firstLine(text)}</code>{' '}
        {lines > 1 && <span className="muted">{t('tenants.preview.lines', { count: lines })}</span>}
      </summary>
      <pre className="code-block statement">{text}</pre>
    </details>
  );
}

const firstLine = (s: string): string => {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > SHORT ? `${line.slice(0, SHORT)}…` : `${line} …`;
};
