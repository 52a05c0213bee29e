import { useTranslation } from 'react-i18next';
import { describeCron } from '../../lib/cronText';
import { cx } from '../../lib/cx';
import { isoInZone, localTimeZone } from '../../lib/timeZone';
import { useFormat } from '../../lib/useFormat';
import { CRON_PRESETS, type CronPreset } from './scheduleModel';
import type { CronPreview } from './useCronPreview';

/**
 * The cron expression with one-click presets and, as it is typed, the server's verdict: why the
 * expression is refused here, the next runs (in the schedule's zone and in local time) in
 * `CronPreviewView`.
 */
export function CronField({
  id,
  value,
  preview,
  serverError,
  onChange,
}: {
  id: string;
  value: string;
  preview: CronPreview;
  /** A refusal from `schedules.save` for this field. */
  serverError: string | undefined;
  onChange: (cron: string) => void;
}) {
  const { t } = useTranslation();
  const invalid = preview.status === 'invalid';
  const errorText = invalid
    ? preview.local
      ? t('schedules.cron.fields')
      : t('schedules.cron.invalid', { reason: preview.reason })
    : serverError;

  return (
    <div className="field cron-field">
      <label htmlFor={id}>{t('schedules.cron.label')}</label>
      <input
        id={id}
        className="input mono"
        value={value}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={errorText ? true : undefined}
        aria-describedby={`${id}-hint${errorText ? ` ${id}-error` : ''}`}
        data-testid="schedule-cron"
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-hint`} className="field-hint">
        {t('schedules.cron.hint')}
      </div>
      <div className="chips" role="group" aria-label={t('schedules.presets.label')}>
        {(Object.keys(CRON_PRESETS) as CronPreset[]).map((p) => (
          <button
            key={p}
            type="button"
            className={cx('btn btn-small', value.trim() === CRON_PRESETS[p] && 'btn-selected')}
            aria-pressed={value.trim() === CRON_PRESETS[p]}
            onClick={() => onChange(CRON_PRESETS[p])}
          >
            {t(`schedules.presets.${p}`)}
          </button>
        ))}
      </div>
      {errorText && (
        <div id={`${id}-error`} className="field-error" role="alert" data-testid="cron-error">
          {errorText}
        </div>
      )}
    </div>
  );
}

/** The runs of the expression being typed, or nothing while it is refused (the field says why). */
export function CronPreviewView({
  id,
  preview,
  cron,
}: {
  id: string;
  preview: CronPreview;
  cron: string;
}) {
  const { i18n } = useTranslation();
  return (
    <div id={id}>
      <PreviewBody preview={preview} cron={cron} language={i18n.language} />
    </div>
  );
}

function PreviewBody({
  preview,
  cron,
  language,
}: {
  preview: CronPreview;
  cron: string;
  language: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const local = localTimeZone();
  if (preview.status === 'invalid') return null;
  if (preview.status === 'unavailable')
    return (
      <p className="muted small" data-testid="cron-preview-unavailable">
        {t('schedules.cron.unavailable', { message: preview.error.message })}
      </p>
    );
  const pending = preview.status === 'pending';
  const shown = pending ? preview.previous : preview;
  const last = shown?.status === 'ok' ? shown : undefined;
  // Worded here in the UI language; the server's English is the fallback.
  const description = describeCron(cron, language) ?? (pending ? undefined : last?.description);

  return (
    <div className={cx('cron-preview', pending && 'stale')} aria-busy={pending || undefined}>
      {description && (
        <p className="cron-description" role="status" data-testid="cron-description">
          {description}
        </p>
      )}
      {pending && <p className="muted small">{t('schedules.cron.checking')}</p>}
      {last && last.next.length === 0 && (
        <p className="muted small">{t('schedules.cron.noRuns')}</p>
      )}
      {last && last.next.length > 0 && (
        <>
          {!pending && (
            <p className="muted small">
              {t('schedules.cron.nextRuns', { count: last.next.length })}
            </p>
          )}
          <ol className="run-list" data-testid="cron-preview">
            {last.next.map((iso) => (
              <li key={iso}>
                <time dateTime={iso} className="mono">
                  {isoInZone(iso, last.tz)}
                </time>{' '}
                <span className="muted">{last.tz}</span>
                <span className="run-local muted">
                  {t('schedules.localTime', { time: isoInZone(iso, local), tz: local })}
                </span>
                <span className="muted small">{fmt.relative(iso)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
