import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { toKeelError } from '../lib/errors';
import { useErrorText } from '../components/ErrorText';

interface Toast {
  id: number;
  kind: 'success' | 'error';
  title: string;
  body?: string | undefined;
  code?: string | undefined;
}

export interface ToastApi {
  success: (title: string, body?: string) => void;
  /** An error toast with the error's code and message; `title` says what failed. */
  error: (e: unknown, title?: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const SUCCESS_MS = 4_000;
const ERROR_MS = 12_000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((x) => x.id !== id));
  }, []);

  const push = useCallback(
    (toast: Omit<Toast, 'id'>, ms: number) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-4), { ...toast, id }]);
      setTimeout(() => dismiss(id), ms);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      success: (title, body) => push({ kind: 'success', title, body }, SUCCESS_MS),
      error: (e, title) => {
        const err = toKeelError(e);
        push(
          {
            kind: 'error',
            title: title ?? errorText.title(err.code, err.message),
            body: err.message,
            code: err.code,
          },
          ERROR_MS,
        );
      },
    }),
    [push, errorText],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="region" aria-label={t('toast.region')}>
        <div aria-live="polite" aria-relevant="additions">
          {toasts.map((x) => (
            <div
              key={x.id}
              className={`toast toast-${x.kind}`}
              role={x.kind === 'error' ? 'alert' : 'status'}
            >
              <div className="toast-text">
                <strong>{x.title}</strong>
                {x.body !== undefined && (
                  <span className="toast-body">
                    {x.code !== undefined && <code className="toast-code">{x.code}</code>} {x.body}
                  </span>
                )}
              </div>
              <button
                type="button"
                className="btn-icon"
                aria-label={t('common.dismiss')}
                onClick={() => dismiss(x.id)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}
