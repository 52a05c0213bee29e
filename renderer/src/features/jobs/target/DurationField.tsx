import { useTranslation } from 'react-i18next';
import { TIME_UNITS, type TimeUnit } from './targetModel';

/** A whole number and its unit (seconds, minutes, hours), labelled as one field. */
export function DurationField({
  id,
  label,
  value,
  unit,
  error,
  hint,
  testId,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  unit: TimeUnit;
  error: string | undefined;
  hint?: string;
  testId?: string;
  onChange: (value: string, unit: TimeUnit) => void;
}) {
  const { t } = useTranslation();
  const described = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-row">
        <input
          id={id}
          className="input num-input"
          inputMode="numeric"
          value={value}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value, unit)}
        />
        <select
          className="input unit-select"
          value={unit}
          aria-label={t('jobs.target.unitOf', { field: label })}
          onChange={(e) => onChange(value, e.target.value as TimeUnit)}
        >
          {TIME_UNITS.map((u) => (
            <option key={u} value={u}>
              {t(`jobs.target.units.${u}`)}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
    </div>
  );
}
