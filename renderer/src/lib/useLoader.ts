import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type Dispatch,
  type SetStateAction,
} from 'react';
import type { KeelError } from '@shared/errors';
import { toKeelError } from './errors';

export interface Loaded<T> {
  data: T | undefined;
  error: KeelError | undefined;
  loading: boolean;
  /** Load again; resolves when done (errors are kept in `error`, not thrown). */
  reload: () => Promise<void>;
  setData: Dispatch<SetStateAction<T | undefined>>;
}

interface State<T> {
  /** The key the data (or error) was loaded for. */
  key: string | null;
  data: T | undefined;
  error: KeelError | undefined;
}

/**
 * Load data and reload whenever `key` changes. Answers that arrive after a newer request started
 * are dropped, so a slow old answer never overwrites a fresh one. `key === null` loads nothing.
 * While a new key loads, the previous data stays (stale while revalidating).
 */
export function useLoader<T>(load: () => Promise<T>, key: string | null): Loaded<T> {
  const [state, setState] = useState<State<T>>({ key: null, data: undefined, error: undefined });
  const [reloading, setReloading] = useState(false);
  const loadRef = useRef(load);
  const keyRef = useRef(key);
  const seq = useRef(0);
  const mounted = useRef(true);

  useLayoutEffect(() => {
    loadRef.current = load;
    keyRef.current = key;
  });

  /** Load for `k`; state changes only in the promise callbacks. Resolves true if still current. */
  const fetchFor = useCallback(async (k: string): Promise<boolean> => {
    const mine = ++seq.current;
    const current = (): boolean => mounted.current && mine === seq.current;
    try {
      const value = await loadRef.current();
      if (current()) setState({ key: k, data: value, error: undefined });
    } catch (e) {
      if (current()) setState((s) => ({ key: k, data: s.data, error: toKeelError(e) }));
    }
    return current();
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (key === null)
      seq.current++; // drop any answer still in flight
    else void fetchFor(key);
  }, [key, fetchFor]);

  const reload = useCallback(async (): Promise<void> => {
    const k = keyRef.current;
    if (k === null) return;
    setReloading(true);
    await fetchFor(k);
    if (mounted.current) setReloading(false);
  }, [fetchFor]);

  const setData = useCallback<Dispatch<SetStateAction<T | undefined>>>((action) => {
    setState((s) => ({
      ...s,
      data:
        typeof action === 'function'
          ? (action as (p: T | undefined) => T | undefined)(s.data)
          : action,
    }));
  }, []);

  const active = key !== null;
  return {
    data: active ? state.data : undefined,
    error: active && state.key === key ? state.error : undefined,
    loading: active && (state.key !== key || reloading),
    reload,
    setData,
  };
}
