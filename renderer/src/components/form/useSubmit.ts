import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { KeelError } from '@shared/errors';
import { serverIssues, toKeelError } from '../../lib/errors';

/** Set by `FormDialog`: a submit in flight tells its dialog, so Esc and × do nothing meanwhile. */
export const DialogBusyContext = createContext<((busy: boolean) => void) | undefined>(undefined);

export interface SubmitOptions<F extends string> {
  /**
   * Which field a server-side VALIDATION issue belongs to (by its path), so it shows under that
   * field. Issues that map to no field, and any other error, go to `error`.
   */
  fieldOf?: (path: readonly string[]) => F | undefined;
  /** Keep the whole error in `error` even when its issues were put on fields. */
  keepError?: boolean;
}

export interface Submit<A extends unknown[], F extends string> {
  busy: boolean;
  /** The last failure that belongs to no field, for an error callout. */
  error: KeelError | undefined;
  /** Server VALIDATION issues placed on fields (first message per field). */
  fieldErrors: Partial<Record<F, string>>;
  /** Run the action unless one is in flight; errors are kept, never thrown. True when it resolved. */
  run: (...args: A) => Promise<boolean>;
  /** Forget a field's server error (the user changed that field). */
  clearField: (field: F) => void;
  clearError: () => void;
}

/**
 * The busy / error / double-submit handling every form repeats: one call in flight at a time,
 * server VALIDATION issues mapped to fields, any other error kept for the form's callout, and
 * no state set after unmount (the dialog closed on success).
 */
export function useSubmit<A extends unknown[], F extends string = string>(
  action: (...args: A) => Promise<unknown>,
  options: SubmitOptions<F> = {},
): Submit<A, F> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<KeelError | undefined>();
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<F, string>>>({});
  const reportBusy = useContext(DialogBusyContext);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  const latest = useRef({ action, options, reportBusy });
  useEffect(() => {
    latest.current = { action, options, reportBusy };
  });
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // Unmounted mid-flight (the page changed): the dialog must not stay locked.
      if (inFlight.current) latest.current.reportBusy?.(false);
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<boolean> => {
    if (inFlight.current) return false;
    const { action: act, options: opts, reportBusy: report } = latest.current;
    inFlight.current = true;
    setBusy(true);
    report?.(true);
    setError(undefined);
    try {
      await act(...args);
      return true;
    } catch (e) {
      if (!mounted.current) return false;
      const ke = toKeelError(e);
      const byField: Partial<Record<F, string>> = {};
      if (opts.fieldOf)
        for (const i of serverIssues(ke)) {
          const f = opts.fieldOf(i.path);
          if (f !== undefined) byField[f] ??= i.message;
        }
      setFieldErrors(byField);
      if (opts.keepError || Object.keys(byField).length === 0) setError(ke);
      return false;
    } finally {
      inFlight.current = false;
      if (mounted.current) setBusy(false);
      report?.(false);
    }
  }, []);

  const clearField = useCallback((field: F) => {
    setFieldErrors((s) => (s[field] === undefined ? s : { ...s, [field]: undefined }));
  }, []);
  const clearError = useCallback(() => setError(undefined), []);

  return { busy, error, fieldErrors, run, clearField, clearError };
}
