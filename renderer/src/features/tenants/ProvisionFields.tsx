import { useTranslation } from 'react-i18next';
import type { BlueprintSummary } from '@shared/tenants';
import { hrefOf } from '../../app/router';
import { SelectField, TextField } from '../../components/fields';
import { tiersForPlan, type SpecDraft, type SpecField } from './specModel';
import { useTenantText } from './tenantText';

/** The fields of one tenant's spec; the plan offers only what the blueprint has, the tier only what the plan allows. */
export function ProvisionFields({
  idPrefix,
  draft,
  blueprint,
  errors,
  onChange,
}: {
  idPrefix: string;
  draft: SpecDraft;
  blueprint: BlueprintSummary;
  /** Translated, per field; only those the user should see now. */
  errors: Partial<Record<SpecField, string>>;
  onChange: (patch: Partial<SpecDraft>, field: SpecField) => void;
}) {
  const { t } = useTranslation();
  const text = useTenantText();
  const plan = blueprint.plans.find((p) => p.id === draft.plan);
  const tiers = tiersForPlan(blueprint.plans, draft.plan);
  const free = blueprint.freeInstances;

  return (
    <div className="stack">
      <div className="form-grid provision-grid">
        <TextField
          id={`${idPrefix}-name`}
          label={t('tenants.field.name')}
          value={draft.name}
          error={errors.name}
          required
          autoFocus
          testId="provision-name"
          onChange={(v) => onChange({ name: v }, 'name')}
        />
        <TextField
          id={`${idPrefix}-id`}
          label={t('tenants.field.id')}
          value={draft.id}
          error={errors.id}
          hint={t('tenants.field.idHint')}
          required
          mono
          testId="provision-id"
          onChange={(v) => onChange({ id: v }, 'id')}
        />
      </div>
      <div className="form-grid provision-grid">
        <SelectField
          id={`${idPrefix}-plan`}
          label={t('tenants.field.plan')}
          value={draft.plan}
          error={errors.plan}
          testId="provision-plan"
          options={blueprint.plans.map((p) => ({
            value: p.id,
            label: t('tenants.field.planOption', {
              plan: p.id,
              price: text.price(p.price, blueprint.currency),
            }),
          }))}
          hint={
            plan && (
              <span data-testid="plan-limits">
                {t('tenants.field.planLimits', {
                  apiCalls: text.quota(plan.quotas.apiCalls),
                  storage: text.storage(plan.quotas.storageMb),
                  users: text.quota(plan.quotas.users),
                  services: text.quota(plan.quotas.services),
                })}
              </span>
            )
          }
          onChange={(v) => onChange({ plan: v }, 'plan')}
        />
        <SelectField
          id={`${idPrefix}-tier`}
          label={t('tenants.field.tier')}
          value={draft.tier}
          error={errors.tier}
          testId="provision-tier"
          disabled={tiers.length <= 1}
          options={(tiers.length > 0 ? tiers : [draft.tier]).map((x) => ({
            value: x,
            label: text.tier(x),
          }))}
          hint={t(`tenants.tierAbout.${draft.tier}`)}
          onChange={(v) => onChange({ tier: v }, 'tier')}
        />
      </div>
      <div className="form-grid provision-grid">
        <TextField
          id={`${idPrefix}-subdomain`}
          label={t('tenants.field.subdomain')}
          value={draft.subdomain}
          error={errors.subdomain}
          hint={t('tenants.field.subdomainHint')}
          mono
          testId="provision-subdomain"
          onChange={(v) => onChange({ subdomain: v }, 'subdomain')}
        />
        {draft.tier === 'dedicated_instance' &&
          (free.length > 0 ? (
            <SelectField
              id={`${idPrefix}-instance`}
              label={t('tenants.field.instance')}
              value={draft.instanceConnectionId}
              error={errors.instanceConnectionId}
              hint={t('tenants.field.instanceHint')}
              testId="provision-instance"
              options={[
                { value: '', label: t('tenants.field.instanceChoose') },
                ...free.map((c) => ({
                  value: c.connectionId,
                  label: t('tenants.field.instanceOption', { id: c.connectionId, role: c.role }),
                })),
              ]}
              onChange={(v) => onChange({ instanceConnectionId: v }, 'instanceConnectionId')}
            />
          ) : (
            <div className="field">
              <span className="field-label">{t('tenants.field.instance')}</span>
              <p className="callout callout-warn small" role="note" data-testid="no-free-instance">
                {t('tenants.field.noFreeInstance', { id: draft.id.trim() || '<id>' })}{' '}
                <a href={hrefOf('connections')}>{t('tenants.openConnections')}</a>
              </p>
              {errors.instanceConnectionId && (
                <div className="field-error" role="alert">
                  {errors.instanceConnectionId}
                </div>
              )}
            </div>
          ))}
      </div>
    </div>
  );
}
