import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { navigate, type RouteId } from './router';
import { ShortcutsDialog } from './ShortcutsDialog';

/** `g` then one of these letters goes to a page. */
export const GO_KEYS: Readonly<Record<string, RouteId>> = {
  o: 'overview',
  h: 'health',
  c: 'connections',
  t: 'tenants',
  p: 'partitions',
  a: 'alerts',
  j: 'jobs',
  d: 'schedules',
  s: 'settings',
};
const SEQUENCE_MS = 1500;

interface ShortcutsApi {
  /** Make `action` the current page's refresh (the `r` key); returns the unregister function. */
  registerRefresh: (action: () => void) => () => void;
  /** Make a one-key shortcut (`/`, `n`) run `action` while the calling page is shown. */
  registerKey: (key: string, action: () => void) => () => void;
  showHelp: () => void;
}

const Ctx = createContext<ShortcutsApi | null>(null);

/** Keys typed into a field, or while a dialog is open, belong to that field or dialog. */
function ignored(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return true;
  const el = e.target;
  if (el instanceof HTMLElement) {
    if (el.isContentEditable) return true;
    if (el.closest('input, textarea, select, [role="textbox"]')) return true;
  }
  return document.querySelector('dialog[open]') !== null;
}

export function ShortcutsProvider({ children }: { children: ReactNode }) {
  const refresh = useRef<(() => void) | undefined>(undefined);
  const pageKeys = useRef(new Map<string, () => void>());
  const [help, setHelp] = useState(false);
  const api = useMemo<ShortcutsApi>(
    () => ({
      registerRefresh: (action) => {
        refresh.current = action;
        return () => {
          if (refresh.current === action) refresh.current = undefined;
        };
      },
      registerKey: (key, action) => {
        pageKeys.current.set(key, action);
        return () => {
          if (pageKeys.current.get(key) === action) pageKeys.current.delete(key);
        };
      },
      showHelp: () => setHelp(true),
    }),
    [],
  );

  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent): void => {
      if (ignored(e)) return;
      const now = Date.now();
      if (now - pendingG < SEQUENCE_MS) {
        pendingG = 0;
        const route = GO_KEYS[e.key.toLowerCase()];
        if (route) {
          e.preventDefault();
          navigate(route);
        }
        return;
      }
      if (e.key === 'g') {
        pendingG = now;
      } else if (e.key === 'r' && !e.shiftKey) {
        if (refresh.current) {
          e.preventDefault();
          refresh.current();
        }
      } else if (e.key === '?') {
        e.preventDefault();
        setHelp(true);
      } else {
        const action = pageKeys.current.get(e.key);
        if (action) {
          e.preventDefault();
          action();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Ctx.Provider value={api}>
      {children}
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </Ctx.Provider>
  );
}

function useShortcuts(): ShortcutsApi {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useShortcuts outside ShortcutsProvider');
  return ctx;
}

/** Make `r` run `action` while the calling page is shown. */
export function useRefreshShortcut(action: () => void): void {
  const { registerRefresh } = useShortcuts();
  const latest = useRef(action);
  useLayoutEffect(() => {
    latest.current = action;
  });
  useEffect(() => registerRefresh(() => latest.current()), [registerRefresh]);
}

/** Make the one-key shortcut `key` run `action` while the calling page is shown. */
export function usePageKey(key: string, action: () => void): void {
  const { registerKey } = useShortcuts();
  const latest = useRef(action);
  useLayoutEffect(() => {
    latest.current = action;
  });
  useEffect(() => registerKey(key, () => latest.current()), [registerKey, key]);
}

export function useShowShortcutsHelp(): () => void {
  return useShortcuts().showHelp;
}
