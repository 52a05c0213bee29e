import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobKind, JobState } from '@shared/jobs';

export function JobFilters({
  state,
  kind,
  onlyEnv,
  envName,
  states,
  kinds,
  onState,
  onKind,
  onOnlyEnv,
}: {
  state: JobState | undefined;
  kind: JobKind | undefined;
  onlyEnv: boolean;
  envName: string | undefined;
  states: readonly JobState[];
  kinds: readonly JobKind[];
  onState: (s: JobState | undefined) => void;
  onKind: (k: JobKind | undefined) => void;
  onOnlyEnv: (v: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="filters" role="group" aria-label={t('jobs.filters')}>
      <label htmlFor={`${id}-state`}>{t('jobs.col.state')}</label>
      <select
        id={`${id}-state`}
        className="input"
        value={state ?? ''}
        data-testid="filter-state"
        onChange={(e) => onState((e.target.value || undefined) as JobState | undefined)}
      >
        <option value="">{t('jobs.allStates')}</option>
        {states.map((s) => (
          <option key={s} value={s}>
            {t(`jobs.state.${s}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-kind`}>{t('jobs.col.kind')}</label>
      <select
        id={`${id}-kind`}
        className="input"
        value={kind ?? ''}
        data-testid="filter-kind"
        onChange={(e) => onKind((e.target.value || undefined) as JobKind | undefined)}
      >
        <option value="">{t('jobs.allKinds')}</option>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {t(`jobs.kinds.${k}`)}
          </option>
        ))}
      </select>
      {envName !== undefined && (
        <label className="inline-check">
          <input type="checkbox" checked={onlyEnv} onChange={(e) => onOnlyEnv(e.target.checked)} />
          {t('jobs.onlyEnv', { env: envName })}
        </label>
      )}
    </div>
  );
}
