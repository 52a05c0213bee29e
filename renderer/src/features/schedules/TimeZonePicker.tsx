import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { allTimeZones, localTimeZone, searchZones, zoneOffset } from '../../lib/timeZone';

let cache: { zones: string[]; offsets: Map<string, string> } | undefined;

/** Every zone with its current offset, computed once. */
function zoneTable(): { zones: string[]; offsets: Map<string, string> } {
  if (!cache) {
    const now = new Date();
    const zones = allTimeZones();
    cache = { zones, offsets: new Map(zones.map((z) => [z, zoneOffset(z, now)])) };
  }
  return cache;
}

/**
 * An IANA time zone: a search box over `Intl.supportedValuesOf('timeZone')` and the matching
 * zones as a list box (arrow keys move through it). Enter in the search box takes the first match.
 */
export function TimeZonePicker({
  id,
  value,
  error,
  onChange,
}: {
  id: string;
  value: string;
  error?: string | undefined;
  onChange: (tz: string) => void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const list = useRef<HTMLSelectElement>(null);
  const { zones, offsets } = zoneTable();
  const local = localTimeZone();
  const matches = useMemo(
    () => searchZones(zones, query, (z) => offsets.get(z) ?? ''),
    [zones, offsets, query],
  );
  // The chosen zone stays visible (and selected) whatever the search says.
  const shown = matches.includes(value) ? matches : [value, ...matches];
  const label = (z: string): string =>
    t('schedules.tzOption', { tz: z, offset: offsets.get(z) ?? zoneOffset(z) });

  return (
    <div className="field tz-picker">
      <label htmlFor={id}>{t('schedules.tz')}</label>
      <div className="input-row">
        <input
          type="search"
          className="input"
          value={query}
          aria-label={t('schedules.tzSearch')}
          aria-controls={id}
          autoComplete="off"
          spellCheck={false}
          data-testid="schedule-tz-search"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (matches[0]) onChange(matches[0]);
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              list.current?.focus();
            }
          }}
        />
        {value !== local && (
          <button type="button" className="btn btn-small" onClick={() => onChange(local)}>
            {t('schedules.tzUseLocal', { tz: local })}
          </button>
        )}
      </div>
      <select
        ref={list}
        id={id}
        className="input tz-list"
        size={6}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        data-testid="schedule-tz"
        onChange={(e) => onChange(e.target.value)}
      >
        {shown.map((z) => (
          <option key={z} value={z}>
            {label(z)}
          </option>
        ))}
      </select>
      {matches.length === 0 && <div className="field-hint">{t('schedules.tzNoMatch')}</div>}
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
      <div id={`${id}-hint`} className="field-hint">
        {t('schedules.tzHint', { tz: local })}
      </div>
    </div>
  );
}
