import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { PlainError } from '@shared/models/health';
import { isErrorCode } from '../lib/errors';
import { useFormat } from '../lib/useFormat';

/** Translated title and hint of an error code, falling back to what the server said. */
export function useErrorText() {
  const { t } = useTranslation();
  return useMemo(
    () => ({
      title: (code: string, fallback: string): string =>
        isErrorCode(code) ? t(`errors.${code}.title`, { defaultValue: fallback }) : fallback,
      hint: (code: string, fallback: string): string =>
        isErrorCode(code) ? t(`errors.${code}.hint`, { defaultValue: fallback }) : fallback,
    }),
    [t],
  );
}

/** A store error in plain words: what happened, the server's words, and what to check. */
export function PlainErrorView({
  error,
  at,
  compact = false,
}: {
  error: PlainError;
  at?: string | undefined;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const text = useErrorText();
  const fmt = useFormat();
  return (
    <div className={compact ? 'error-box compact' : 'error-box'} data-testid="plain-error">
      <div className="error-title">
        <span>{text.title(error.code, error.message)}</span>
        <code className="error-code">{error.code}</code>
        {at !== undefined && (
          <time className="muted" dateTime={at} title={fmt.dateTime(at)}>
            {fmt.ago(at)}
          </time>
        )}
      </div>
      <div className="error-message">{error.message}</div>
      <div className="error-hint">
        <strong>{t('errors.whatToCheck')}</strong> {text.hint(error.code, error.hint)}
      </div>
    </div>
  );
}

/** A failed call (load, save…) shown in place, with an optional retry. */
export function ErrorCallout({
  error,
  title,
  onRetry,
  quiet = false,
}: {
  error: KeelError;
  title?: string;
  onRetry?: () => void;
  /** An expected outcome (e.g. a cancelled job), not a failure: neutral colours, no alert. */
  quiet?: boolean;
}) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className={quiet ? 'callout' : 'callout callout-error'} role={quiet ? 'note' : 'alert'}>
      <div className="error-title">
        <span>{title ?? text.title(error.code, error.message)}</span>
        <code className="error-code">{error.code}</code>
      </div>
      <div className="error-message">{error.message}</div>
      <div className="error-hint">
        <strong>{t('errors.whatToCheck')}</strong> {text.hint(error.code, '')}
      </div>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
