import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCallout } from './ErrorText';
import { FormDialog } from './form/FormDialog';
import { useSubmit } from './form/useSubmit';

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Red button: the action deletes or overwrites something. */
  danger?: boolean;
  /** The user must type this text (an id) before the button enables. */
  typeToConfirm?: string;
  /** Keeps the button disabled while fields given as children are not filled in (a reason…). */
  confirmDisabled?: boolean;
  /**
   * Runs the action; the dialog closes when it resolves and shows the error when it rejects.
   * While it runs, Esc and × do nothing: the user sees how it ended.
   */
  onConfirm: () => Promise<unknown> | void;
}

export function ConfirmDialog({ open, onClose, title, ...body }: ConfirmDialogProps) {
  return (
    <FormDialog open={open} onClose={onClose} title={title} size="sm" testId="confirm-dialog">
      <ConfirmBody onClose={onClose} {...body} />
    </FormDialog>
  );
}

/** Lives inside the dialog so its state resets each time the dialog opens. */
function ConfirmBody({
  onClose,
  children,
  confirmLabel,
  danger,
  typeToConfirm,
  confirmDisabled = false,
  onConfirm,
}: Omit<ConfirmDialogProps, 'open' | 'title'>) {
  const { t } = useTranslation();
  const inputId = useId();
  const [typed, setTyped] = useState('');
  const submit = useSubmit(async () => {
    await onConfirm();
    onClose();
  });
  const { busy, error } = submit;
  const ready = (typeToConfirm === undefined || typed === typeToConfirm) && !confirmDisabled;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void submit.run();
      }}
    >
      <div className="stack">
        <div>{children}</div>
        {typeToConfirm !== undefined && (
          <div className="field">
            <label htmlFor={inputId}>
              {t('confirm.typeToConfirm')} <code>{typeToConfirm}</code>
            </label>
            <input
              id={inputId}
              className="input mono"
              value={typed}
              autoComplete="off"
              spellCheck={false}
              autoFocus
              data-autofocus
              onChange={(e) => setTyped(e.target.value)}
              data-testid="confirm-input"
            />
          </div>
        )}
        {error && <ErrorCallout error={error} />}
      </div>
      <div className="dialog-actions">
        <button
          type="button"
          className="btn"
          onClick={onClose}
          disabled={busy}
          data-autofocus={typeToConfirm === undefined && danger ? true : undefined}
        >
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className={danger ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={!ready || busy}
          data-autofocus={typeToConfirm === undefined && !danger ? true : undefined}
          data-testid="confirm-button"
        >
          {busy ? t('common.working') : confirmLabel}
        </button>
      </div>
    </form>
  );
}
