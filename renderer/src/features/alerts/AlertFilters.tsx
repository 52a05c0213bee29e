import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ALERT_STATES, SEVERITIES, type Severity } from '@shared/alerts';
import type { AlertListFilter } from './alertModel';

/** State toggles (several at once), severity, and a text search. */
export function AlertFilters({
  value,
  onChange,
}: {
  value: AlertListFilter;
  onChange: (f: AlertListFilter) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="filters" role="search" aria-label={t('alerts.filters')}>
      <label htmlFor={`${id}-q`} className="sr-only">
        {t('alerts.search')}
      </label>
      <input
        id={`${id}-q`}
        type="search"
        className="input alert-search"
        value={value.search}
        placeholder={t('alerts.searchPlaceholder')}
        maxLength={200}
        spellCheck={false}
        autoComplete="off"
        data-testid="alert-search"
        onChange={(e) => onChange({ ...value, search: e.target.value })}
      />
      <fieldset className="state-toggles" data-testid="filter-states">
        <legend className="sr-only">{t('alerts.col.state')}</legend>
        {ALERT_STATES.map((s) => (
          <label key={s} className="chip">
            <input
              type="checkbox"
              checked={value.states.includes(s)}
              data-testid={`filter-state-${s}`}
              onChange={(e) =>
                onChange({
                  ...value,
                  states: e.target.checked
                    ? [...value.states, s]
                    : value.states.filter((x) => x !== s),
                })
              }
            />{' '}
            {t(`alerts.state.${s}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-sev`}>{t('alerts.col.severity')}</label>
      <select
        id={`${id}-sev`}
        className="input"
        value={value.severity}
        data-testid="filter-severity"
        onChange={(e) => onChange({ ...value, severity: e.target.value as Severity | 'all' })}
      >
        <option value="all">{t('alerts.allSeverities')}</option>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {t(`alerts.severity.${s}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
