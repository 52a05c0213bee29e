import { useTranslation } from 'react-i18next';

/** Determinate when `total` is known, indeterminate otherwise. */
export function ProgressBar({
  done,
  total,
  label,
}: {
  done: number;
  total?: number | undefined;
  label: string;
}) {
  const { t } = useTranslation();
  const known = total !== undefined && total > 0;
  const pct = known ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return (
    <div className="progress-wrap">
      <div
        className={known ? 'progress' : 'progress indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? total : undefined}
        aria-valuenow={known ? done : undefined}
      >
        <div
          className="progress-fill"
          style={pct !== undefined ? { width: `${pct}%` } : undefined}
        />
      </div>
      <span className="progress-text">
        {known ? t('jobs.progressOf', { done, total, pct }) : t('jobs.progressDone', { done })}
      </span>
    </div>
  );
}
