import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cx } from '../lib/cx';

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** A side panel instead of a centred box. */
  variant?: 'modal' | 'drawer';
  /** While busy (a save in flight) Esc and the close button do nothing. */
  busy?: boolean;
  /** Clicking outside closes it: for read-only panels, never for forms. */
  closeOnBackdrop?: boolean;
  className?: string;
  testId?: string;
}

/**
 * A modal built on <dialog>.showModal(): the browser makes the rest of the page inert (focus stays
 * inside), Esc closes it, and focus returns to the opener on close. Children mount only while open,
 * so forms start fresh each time.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  footer,
  size = 'md',
  variant = 'modal',
  busy = false,
  closeOnBackdrop = false,
  className,
  testId,
}: DialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) {
      opener.current = document.activeElement;
      el.showModal();
      initialFocus(el)?.focus();
    } else if (!open && el.open) {
      el.close();
    }
  }, [open]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      // Unmounted while open (e.g. the page changed): give focus back like a normal close.
      if (el?.open && opener.current instanceof HTMLElement) opener.current.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={cx('dialog', `dialog-${size}`, variant === 'drawer' && 'drawer', className)}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        // React bubbles these through the component tree: ignore a nested dialog's.
        if (e.target !== e.currentTarget) return;
        e.preventDefault();
        if (!busy) onCloseRef.current();
      }}
      onClose={(e) => {
        if (e.target !== e.currentTarget) return;
        // The browser may close it without a cancelable cancel event (repeated Esc).
        if (open) onCloseRef.current();
        if (opener.current instanceof HTMLElement) opener.current.focus();
      }}
      onMouseDown={(e) => {
        if (closeOnBackdrop && !busy && e.target === ref.current) onCloseRef.current();
      }}
    >
      {open && (
        <div className="dialog-frame">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button
              type="button"
              className="btn-icon"
              aria-label={t('common.close')}
              disabled={busy}
              onClick={() => onCloseRef.current()}
            >
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer !== undefined && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}

const FIELD =
  'input:not([type="hidden"]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])';

/**
 * Where focus goes when the dialog opens: an element marked `data-autofocus`, else the first field
 * of the body, else the browser's choice. React's `autoFocus` fires before showModal(), too early.
 */
function initialFocus(dialog: HTMLDialogElement): HTMLElement | null {
  return (
    dialog.querySelector<HTMLElement>('[data-autofocus]') ??
    dialog.querySelector<HTMLElement>(`.dialog-body :is(${FIELD})`)
  );
}
