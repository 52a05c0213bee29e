import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { JOB_KIND_NAMES, JOB_STATES, type JobKind, type JobState } from '@shared/jobs';
import type { EnvironmentView } from '@shared/models/environment';
import type { ActorType } from './jobModel';

export interface HistoryFilter {
  state: JobState | undefined;
  kind: JobKind | undefined;
  envId: string | undefined;
  /** As typed; the query uses it once typing pauses. */
  tenant: string;
  actorType: ActorType | undefined;
}

export const NO_FILTER: HistoryFilter = {
  state: undefined,
  kind: undefined,
  envId: undefined,
  tenant: '',
  actorType: undefined,
};

export const isFiltered = (f: HistoryFilter): boolean =>
  Boolean(f.state || f.kind || f.envId || f.tenant.trim() || f.actorType);

const ACTOR_TYPES: readonly ActorType[] = ['user', 'schedule', 'system'];

/** The history's filters; each select's empty value means "all". */
export function JobFilters({
  value,
  envs,
  onChange,
}: {
  value: HistoryFilter;
  envs: readonly EnvironmentView[];
  onChange: (patch: Partial<HistoryFilter>) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="filters" role="group" aria-label={t('jobs.filters')}>
      <label htmlFor={`${id}-kind`}>{t('jobs.col.kind')}</label>
      <select
        id={`${id}-kind`}
        className="input"
        value={value.kind ?? ''}
        data-testid="filter-kind"
        onChange={(e) => onChange({ kind: (e.target.value || undefined) as JobKind | undefined })}
      >
        <option value="">{t('jobs.allKinds')}</option>
        {JOB_KIND_NAMES.map((k) => (
          <option key={k} value={k}>
            {t(`jobs.kinds.${k}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-state`}>{t('jobs.col.state')}</label>
      <select
        id={`${id}-state`}
        className="input"
        value={value.state ?? ''}
        data-testid="filter-state"
        onChange={(e) => onChange({ state: (e.target.value || undefined) as JobState | undefined })}
      >
        <option value="">{t('jobs.allStates')}</option>
        {JOB_STATES.map((s) => (
          <option key={s} value={s}>
            {t(`jobs.state.${s}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-env`}>{t('jobs.col.env')}</label>
      <select
        id={`${id}-env`}
        className="input"
        value={value.envId ?? ''}
        data-testid="filter-env"
        onChange={(e) => onChange({ envId: e.target.value || undefined })}
      >
        <option value="">{t('jobs.allEnvs')}</option>
        {envs.map((e) => (
          <option key={e.id} value={e.id}>
            {t('env.option', { name: e.name, id: e.id })}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-tenant`}>{t('jobs.col.tenant')}</label>
      <input
        id={`${id}-tenant`}
        className="input mono filter-tenant"
        type="search"
        value={value.tenant}
        maxLength={64}
        spellCheck={false}
        autoComplete="off"
        data-testid="filter-tenant"
        aria-describedby={`${id}-tenant-hint`}
        onChange={(e) => onChange({ tenant: e.target.value })}
      />
      <span id={`${id}-tenant-hint`} className="sr-only">
        {t('jobs.tenantHint')}
      </span>
      <label htmlFor={`${id}-actor`}>{t('jobs.col.actor')}</label>
      <select
        id={`${id}-actor`}
        className="input"
        value={value.actorType ?? ''}
        data-testid="filter-actor"
        onChange={(e) =>
          onChange({ actorType: (e.target.value || undefined) as ActorType | undefined })
        }
      >
        <option value="">{t('jobs.anyone')}</option>
        {ACTOR_TYPES.map((a) => (
          <option key={a} value={a}>
            {t(`jobs.actorType.${a}`)}
          </option>
        ))}
      </select>
      {isFiltered(value) && (
        <button type="button" className="btn btn-small" onClick={() => onChange(NO_FILTER)}>
          {t('jobs.clearFilters')}
        </button>
      )}
    </div>
  );
}
