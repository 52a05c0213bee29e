import type { Session } from 'electron';

export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler'
>;

/**
 * The one permission the console uses: `navigator.clipboard.writeText` (Copy in the YAML
 * export) needs `clipboard-sanitized-write`. Anything else, or any other page, is refused.
 */
const ALLOWED = new Set<string>(['clipboard-sanitized-write']);

export function allowPermission(
  permission: string,
  requestingUrl: string | undefined,
  isAppUrl: (url: string) => boolean,
): boolean {
  return ALLOWED.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

export function installPermissionHandlers(
  session: PermissionSession,
  isAppUrl: (url: string) => boolean,
): void {
  session.setPermissionRequestHandler((_wc, permission, cb, details) =>
    cb(allowPermission(permission, details.requestingUrl, isAppUrl)),
  );
  // A file page's origin is opaque ("file://"), so the check uses the full requesting URL.
  session.setPermissionCheckHandler((wc, permission, _origin, details) =>
    allowPermission(permission, details.requestingUrl ?? wc?.getURL(), isAppUrl),
  );
}
