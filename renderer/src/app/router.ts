import { useEffect, useSyncExternalStore } from 'react';

export const ROUTE_IDS = [
  'overview',
  'health',
  'connections',
  'tenants',
  'partitions',
  'alerts',
  'jobs',
  'schedules',
  'settings',
] as const;
export type RouteId = (typeof ROUTE_IDS)[number];
export const DEFAULT_ROUTE: RouteId = 'overview';

/** `#/jobs` → 'jobs'; anything unknown → undefined. */
export function parseHash(hash: string): RouteId | undefined {
  const first = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTE_IDS as readonly string[]).includes(first) ? (first as RouteId) : undefined;
}

export const hrefOf = (route: RouteId): string => `#/${route}`;

export function navigate(route: RouteId): void {
  if (parseHash(location.hash) !== route) location.hash = hrefOf(route);
}

const subscribe = (l: () => void): (() => void) => {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
};

/** The current page. An unknown hash is replaced (not pushed) by the default page. */
export function useRoute(): RouteId {
  const route = useSyncExternalStore(subscribe, () => parseHash(location.hash));
  useEffect(() => {
    if (route === undefined) history.replaceState(null, '', hrefOf(DEFAULT_ROUTE));
  }, [route]);
  return route ?? DEFAULT_ROUTE;
}
