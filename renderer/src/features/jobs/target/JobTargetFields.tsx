import { useTranslation } from 'react-i18next';
import { FORM_JOB_KINDS, type JobKind } from '@shared/jobs';
import type { EnvironmentView } from '@shared/models/environment';
import { SelectField } from '../../../components/fields';
import { DurationField } from './DurationField';
import type { TargetDraft, TargetField, TimeUnit } from './targetModel';

/**
 * What a job runs on: its kind, its environment and the kind's own fields. Shared by the Start job
 * dialog and the schedule dialog (where the environment is the schedule's and cannot change).
 */
export function JobTargetFields({
  idPrefix,
  draft,
  envs,
  envLocked = false,
  errors,
  kindTestId,
  onChange,
}: {
  idPrefix: string;
  draft: TargetDraft;
  envs: readonly EnvironmentView[];
  envLocked?: boolean;
  /** Translated, per field; only those the user should see now. */
  errors: Partial<Record<TargetField, string>>;
  kindTestId: string;
  onChange: (patch: Partial<TargetDraft>, field: TargetField) => void;
}) {
  const { t } = useTranslation();
  const env = envs.find((e) => e.id === draft.envId);
  const envOptions = envs.map((e) => ({
    value: e.id,
    label: t(e.production ? 'env.optionProd' : 'env.option', { name: e.name, id: e.id }),
  }));
  if (!env) envOptions.unshift({ value: draft.envId, label: draft.envId || '—' });

  return (
    <div className="stack">
      <div className="field">
        <label htmlFor={`${idPrefix}-kind`}>{t('jobs.target.kind')}</label>
        <select
          id={`${idPrefix}-kind`}
          className="input"
          value={draft.kind}
          data-testid={kindTestId}
          aria-describedby={`${idPrefix}-kind-hint`}
          onChange={(e) => onChange({ kind: e.target.value as JobKind }, 'kind')}
        >
          {FORM_JOB_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`jobs.kinds.${k}`)}
            </option>
          ))}
        </select>
        <div id={`${idPrefix}-kind-hint`} className="field-hint" data-testid="job-kind-help">
          {t(`jobs.target.about.${draft.kind}`)}
        </div>
      </div>

      {envLocked ? (
        <div className="field">
          <span className="field-label">{t('jobs.col.env')}</span>
          <span className="mono">
            {env ? t('env.option', { name: env.name, id: env.id }) : draft.envId}
          </span>
        </div>
      ) : (
        <SelectField
          id={`${idPrefix}-env`}
          label={t('jobs.col.env')}
          value={draft.envId}
          options={envOptions}
          error={errors.envId}
          onChange={(v) => onChange({ envId: v, connectionId: '' }, 'envId')}
        />
      )}

      {draft.kind === 'health.watch' && (
        <>
          <SelectField
            id={`${idPrefix}-connection`}
            label={t('jobs.target.connection')}
            value={draft.connectionId}
            options={[
              { value: '', label: t('jobs.target.allConnections') },
              ...(env?.connections ?? []).map((c) => ({
                value: c.id,
                label: t('jobs.target.connectionOption', {
                  name: c.name,
                  id: c.id,
                  kind: t(`kinds.${c.kind}`),
                }),
              })),
            ]}
            error={errors.connectionId}
            hint={env && env.connections.length === 0 ? t('jobs.target.noConnections') : undefined}
            onChange={(v) => onChange({ connectionId: v }, 'connectionId')}
          />
          <div className="form-grid">
            <DurationField
              id={`${idPrefix}-duration`}
              label={t('jobs.target.duration')}
              value={draft.duration}
              unit={draft.durationUnit}
              error={errors.duration}
              hint={t('jobs.target.durationHint')}
              testId="watch-duration"
              onChange={(v, u: TimeUnit) => onChange({ duration: v, durationUnit: u }, 'duration')}
            />
            <DurationField
              id={`${idPrefix}-interval`}
              label={t('jobs.target.interval')}
              value={draft.interval}
              unit={draft.intervalUnit}
              error={errors.interval}
              hint={t('jobs.target.intervalHint')}
              testId="watch-interval"
              onChange={(v, u: TimeUnit) => onChange({ interval: v, intervalUnit: u }, 'interval')}
            />
          </div>
        </>
      )}
    </div>
  );
}
