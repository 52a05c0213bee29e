import type { Theme } from '@shared/models/prefs';
import { safeStorageGet, safeStorageSet } from './i18n';

const CACHE_KEY = 'keel.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function cachedTheme(): Theme {
  const v = safeStorageGet(CACHE_KEY);
  return v === 'light' || v === 'dark' || v === 'system' ? v : 'system';
}

const resolve = (theme: Theme): 'light' | 'dark' =>
  theme === 'system' ? (matchMedia(DARK_QUERY).matches ? 'dark' : 'light') : theme;

/** Only one theme follows the OS at a time. */
let stopFollowing: () => void = () => undefined;

/**
 * Set `data-theme` on <html> and, while the preference is `system`, keep following the OS.
 * The choice is cached so the next start paints in the right theme before prefs arrive.
 */
export function applyTheme(theme: Theme): void {
  stopFollowing();
  safeStorageSet(CACHE_KEY, theme);
  const root = document.documentElement;
  const set = (): void => {
    root.dataset['theme'] = resolve(theme);
  };
  set();
  if (theme !== 'system') {
    stopFollowing = () => undefined;
    return;
  }
  const mq = matchMedia(DARK_QUERY);
  mq.addEventListener('change', set);
  stopFollowing = () => mq.removeEventListener('change', set);
}
