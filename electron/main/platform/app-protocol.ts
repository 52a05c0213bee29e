import { posix, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The packaged console is served from `app://keel/` rather than file:// (Electron's security
 * checklist, "Use a custom protocol instead of file://"): the page gets a real origin, the CSP
 * arrives as a response header (webRequest headers never reach file:// pages), and only the
 * renderer folder can be read. Electron 40 docs/api/protocol.md: the scheme is registered as
 * privileged before `ready`, then `protocol.handle` answers each request with a Response.
 */
export const APP_HOST = 'keel';
export const APP_INDEX_URL = `app://${APP_HOST}/index.html`;
export const APP_SCHEME_PRIVILEGES = {
  scheme: 'app',
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Whether a URL is a page or file of the app:// origin (parsed, host compared as Chromium canonicalises it). */
export function isAppProtocolUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host.toLowerCase() === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under `rendererDir` an app:// request names, or undefined (other host, escape, bad escape). */
export function fileForAppRequest(
  url: string,
  rendererDir: string,
  windows = process.platform === 'win32',
): string | undefined {
  if (!isAppProtocolUrl(url)) return undefined;
  const p = windows ? win32 : posix;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const full = p.resolve(rendererDir, `.${path}`);
  const rel = p.relative(rendererDir, full);
  if (!rel || rel.startsWith('..') || p.isAbsolute(rel)) return undefined;
  return full;
}

export interface AppProtocolDeps {
  rendererDir: string;
  csp: string;
  /** Electron's `net.fetch` for file: URLs (it reads inside app.asar and sets the MIME type). */
  fetchFile: (fileUrl: string) => Promise<Response>;
  windows?: boolean;
}

export async function serveAppRequest(
  req: { url: string },
  deps: AppProtocolDeps,
): Promise<Response> {
  const windows = deps.windows ?? process.platform === 'win32';
  const file = fileForAppRequest(req.url, deps.rendererDir, windows);
  if (!file) return new Response('Not found', { status: 404 });
  const res = await deps.fetchFile(pathToFileURL(file, { windows }).href);
  const headers = new Headers(res.headers);
  headers.set('Content-Security-Policy', deps.csp);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(res.body, { status: res.status, headers });
}
