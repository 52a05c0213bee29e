import { useTranslation } from 'react-i18next';

/**
 * Determinate when `total` is known (the value is the percent done, the text says "3 / 10"),
 * indeterminate otherwise.
 */
export function ProgressBar({
  done,
  total,
  label,
  testId,
}: {
  done: number;
  total?: number | undefined;
  label: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const known = total !== undefined && total > 0;
  const pct = known ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
  const text = known
    ? t('jobs.progressOf', { done, total, pct })
    : t('jobs.progressDone', { done });
  return (
    <div className="progress-wrap">
      <div
        className={known ? 'progress' : 'progress indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={known ? 0 : undefined}
        aria-valuemax={known ? 100 : undefined}
        aria-valuenow={pct}
        aria-valuetext={text}
        data-testid={testId}
        data-done={done}
        data-total={total}
      >
        <div
          className="progress-fill"
          style={pct !== undefined ? { width: `${pct}%` } : undefined}
        />
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}
