import { APP_INDEX_URL, isAppProtocolUrl } from './app-protocol';

/**
 * Where the console page lives and which URLs are "the app" (IPC sender check, navigation,
 * permissions). No `electron` import, so the rules are unit-tested in plain Node.
 *
 * URLs are compared parsed, by origin, never as string prefixes: a prefix check trusts
 * `http://localhost:51730` for `http://localhost:5173`, and a `file://${path}` template never
 * equals what Chromium reports on Windows or for paths with spaces, `%` or non-ASCII (issue 17,
 * item 1). Packaged, the page is `app://keel/index.html` (app-protocol.ts).
 */
export interface AppLocation {
  /** `ELECTRON_RENDERER_URL` of `electron-vite dev`, if set. */
  devUrl?: string;
}

export function appUrlFor(loc: AppLocation): string {
  return loc.devUrl ?? APP_INDEX_URL;
}

export function isAppUrlFor(loc: AppLocation, url: string): boolean {
  if (!loc.devUrl) return isAppProtocolUrl(url);
  try {
    // Dev server: same origin (scheme, host, port); any path of it is the app (client routing).
    const got = new URL(url).origin;
    return got !== 'null' && got === new URL(loc.devUrl).origin;
  } catch {
    return false;
  }
}
