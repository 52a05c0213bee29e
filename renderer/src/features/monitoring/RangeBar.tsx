import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isoLocal } from '../../lib/format';
import { fromLocalInput, toLocalInput, type TimeRange } from './metricMath';

export const PRESETS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type Preset = keyof typeof PRESETS;
export type RangeChoice = { preset: Preset } | { custom: TimeRange };

export function rangeOf(c: RangeChoice, now: number): TimeRange {
  return 'preset' in c ? { from: now - PRESETS[c.preset], to: now } : c.custom;
}

/** Range buttons, a custom range from two datetime inputs, and the zoom reset. */
export function RangeBar({
  choice,
  onChoose,
  zoomed,
  onResetZoom,
  range,
  stepSec,
}: {
  choice: RangeChoice;
  onChoose: (c: RangeChoice) => void;
  zoomed: boolean;
  onResetZoom: () => void;
  range: TimeRange;
  stepSec: number;
}) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(() => toLocalInput(range.from));
  const [to, setTo] = useState(() => toLocalInput(range.to));
  const f = fromLocalInput(from);
  const e = fromLocalInput(to);
  const valid = f !== undefined && e !== undefined && e > f;
  const active = 'preset' in choice ? choice.preset : 'custom';
  return (
    <div className="range-bar" role="group" aria-label={t('monitoring.timeRange')}>
      <span className="muted">{t('monitoring.timeRange')}</span>
      {(Object.keys(PRESETS) as Preset[]).map((p) => (
        <button
          key={p}
          type="button"
          className={`btn btn-small${active === p && !zoomed ? ' btn-primary' : ''}`}
          aria-pressed={active === p && !zoomed}
          data-testid={`range-${p}`}
          onClick={() => onChoose({ preset: p })}
        >
          {t(`monitoring.range.${p}`)}
        </button>
      ))}
      <form
        className="range-custom"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (valid) onChoose({ custom: { from: f, to: e } });
        }}
      >
        <label className="sr-only" htmlFor="range-from">
          {t('monitoring.from')}
        </label>
        <input
          id="range-from"
          className="input"
          type="datetime-local"
          value={from}
          data-testid="range-from"
          onChange={(x) => setFrom(x.target.value)}
        />
        <span aria-hidden="true">–</span>
        <label className="sr-only" htmlFor="range-to">
          {t('monitoring.to')}
        </label>
        <input
          id="range-to"
          className="input"
          type="datetime-local"
          value={to}
          data-testid="range-to"
          onChange={(x) => setTo(x.target.value)}
        />
        <button
          type="submit"
          className={`btn btn-small${active === 'custom' && !zoomed ? ' btn-primary' : ''}`}
          disabled={!valid}
          data-testid="range-custom"
        >
          {t('monitoring.range.custom')}
        </button>
      </form>
      {zoomed && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="zoom-reset"
          onClick={onResetZoom}
        >
          {t('monitoring.resetZoom')}
        </button>
      )}
      <span className="muted range-shown" data-testid="range-shown">
        {isoLocal(new Date(range.from))} – {isoLocal(new Date(range.to))} ·{' '}
        {t('monitoring.step', { sec: stepSec })}
      </span>
    </div>
  );
}
