import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import { cx } from '../../lib/cx';
import { Dialog, type DialogProps } from '../Dialog';
import { ErrorCallout } from '../ErrorText';
import { DialogBusyContext } from './useSubmit';

/**
 * A dialog whose body is a form. Its body mounts fresh each time it opens (so a form starts
 * clean), and any `useSubmit` inside it marks the dialog busy while it runs: Esc, × and the
 * backdrop do nothing until the call returns.
 */
export function FormDialog({ children, ...props }: Omit<DialogProps, 'busy' | 'closeOnBackdrop'>) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog {...props} busy={busy}>
      <DialogBusyContext.Provider value={setBusy}>{children}</DialogBusyContext.Provider>
    </Dialog>
  );
}

/**
 * The form inside a `FormDialog`: fields, the error that belongs to no field, and the
 * Cancel / submit buttons. `onSubmit` gets the submit event (react-hook-form's `handleSubmit`
 * fits directly); the browser's own validation is off, the form's schema speaks instead.
 */
export function FormBody({
  onSubmit,
  onCancel,
  busy,
  error,
  errorTitle,
  submitLabel,
  busyLabel,
  submitDisabled = false,
  submitTestId,
  submitDescribedBy,
  extraActions,
  stickyActions = false,
  children,
  after,
}: {
  onSubmit: (e: FormEvent<HTMLFormElement>) => unknown;
  onCancel: () => void;
  busy: boolean;
  error?: KeelError | undefined;
  errorTitle?: string;
  /** Default: Save. */
  submitLabel?: string;
  /** The submit button's text while busy; default: Working…. */
  busyLabel?: string;
  submitDisabled?: boolean;
  submitTestId?: string;
  submitDescribedBy?: string | undefined;
  /** Buttons before Cancel (e.g. "Test connection"). */
  extraActions?: ReactNode;
  stickyActions?: boolean;
  children: ReactNode;
  /** After the buttons (e.g. a screen-reader note the submit button refers to). */
  after?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(e);
      }}
    >
      <div className="stack">
        {children}
        {error && <ErrorCallout error={error} title={errorTitle} />}
      </div>
      <div className={cx('dialog-actions', stickyActions && 'sticky-actions')}>
        {extraActions}
        <button type="button" className="btn" disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || submitDisabled}
          aria-describedby={submitDescribedBy}
          data-testid={submitTestId}
        >
          {busy ? (busyLabel ?? t('common.working')) : (submitLabel ?? t('common.save'))}
        </button>
      </div>
      {after}
    </form>
  );
}
