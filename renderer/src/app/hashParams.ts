import { useMemo, useSyncExternalStore } from 'react';

/**
 * View state in the address: `#/tenants?search=acme&status=active&open=t001`. A refresh, a
 * bookmark or a link pasted to a colleague opens the same view. Changes replace the current
 * history entry (typing in a search box must not fill Back with every keystroke).
 */

const CHANGED = 'keel:hash-params';
/** Longest value kept from an address (a pasted link is input like any other). */
const MAX_VALUE = 200;

/** The query part of a hash (`#/tenants?search=a` → search=a). */
export function paramsOfHash(hash: string): URLSearchParams {
  const q = hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
}

/** One parameter, trimmed to a sane length; '' when absent. */
export function hashParam(params: URLSearchParams, key: string): string {
  return (params.get(key) ?? '').slice(0, MAX_VALUE);
}

/** The hash with `patch` applied: '' or undefined removes a key; the path stays. */
export function withParams(
  hash: string,
  patch: Readonly<Record<string, string | undefined>>,
): string {
  const q = hash.indexOf('?');
  const path = q < 0 ? hash : hash.slice(0, q);
  const params = paramsOfHash(hash);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const query = params.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** Write view state into the address (replacing the current entry). */
export function setHashParams(patch: Readonly<Record<string, string | undefined>>): void {
  const next = withParams(location.hash, patch);
  if (next === location.hash) return;
  history.replaceState(history.state, '', next);
  window.dispatchEvent(new Event(CHANGED));
}

const subscribe = (l: () => void): (() => void) => {
  window.addEventListener('hashchange', l);
  window.addEventListener(CHANGED, l);
  return () => {
    window.removeEventListener('hashchange', l);
    window.removeEventListener(CHANGED, l);
  };
};

/** The current address's view parameters; re-renders when they change. */
export function useHashParams(): URLSearchParams {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return useMemo(() => paramsOfHash(hash), [hash]);
}
