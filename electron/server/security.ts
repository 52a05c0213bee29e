import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../../shared/ipc/channels';
import { SESSION_ID, type Sessions } from './sessions';
import { tokenMatches } from './token';

/**
 * Security headers of every response: no framing, no sniffing, no referrer, the app's CSP.
 * `connect-src 'self'` covers the UI's own WebSocket: CSP3 matches ws:/wss: of the page's host and
 * port to 'self', while `ws: wss:` would let a page talk to any host.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Host names this server answers to. Checking Host defeats DNS rebinding: a page on evil.example
 * that resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!['127.0.0.1', '0.0.0.0', '::', 'localhost'].includes(boundHost)) {
    hosts.add(boundHost.includes(':') ? `[${boundHost}]:${port}` : `${boundHost}:${port}`);
  }
  return hosts;
}

/**
 * The session id of the `keel_session` cookie: undefined when there is none, null when it is not
 * the shape Keel issues (garbage, percent-escapes) — a 400, not a crash and not a token check.
 */
export function sessionCookie(req: IncomingMessage): string | null | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== SESSION_COOKIE) continue;
    const value = v.join('=');
    return SESSION_ID.test(value) ? value : null;
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

export type Verdict =
  | { ok: true; session?: string }
  | {
      ok: false;
      status: 400 | 401 | 403 | 421;
      reason: string;
      /** For a 401: what the sign-in page tells the user. */
      signIn?: 'missing' | 'wrong' | 'expired';
    };

/**
 * Every request: a known Host, a same-origin Origin if a browser sent one, and either the token
 * as a bearer header (CLI, scripts) or a live session cookie (the served UI). The token itself
 * is never accepted as a cookie.
 */
export function checkRequest(
  req: IncomingMessage,
  token: string,
  hosts: Set<string>,
  sessions: Sessions,
): Verdict {
  const host = req.headers.host ?? '';
  if (!hosts.has(host)) return { ok: false, status: 421, reason: 'unknown Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    return { ok: false, status: 403, reason: 'cross-origin request refused' };
  }
  const bearer = bearerToken(req);
  if (tokenMatches(token, bearer)) return { ok: true };
  const session = sessionCookie(req);
  if (session === null) {
    return {
      ok: false,
      status: 400,
      reason:
        'malformed keel_session cookie: open the URL `keel serve` printed (…/?token=…) to sign in again',
    };
  }
  if (session !== undefined && sessions.use(session)) return { ok: true, session };
  const signIn = bearer !== undefined ? 'wrong' : session !== undefined ? 'expired' : 'missing';
  const reason = {
    missing: 'no token: send it as a bearer header, or open the URL `keel serve` printed',
    wrong: 'wrong token',
    expired: 'the session has expired: open the URL `keel serve` printed to sign in again',
  }[signIn];
  return { ok: false, status: 401, reason, signIn };
}

/** A request URL fit for the log: query values (the sign-in token among them) are removed. */
export function redactUrl(raw: string | undefined): string {
  const url = raw ?? '';
  const q = url.indexOf('?');
  if (q < 0) return url.slice(0, 200);
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()].slice(0, 10);
  return `${url.slice(0, Math.min(q, 200))}?${names.map((n) => `${encodeURIComponent(n.slice(0, 40))}=***`).join('&')}`;
}

/** The request target as a URL; undefined unless it is a path (origin-form) that parses. */
export function requestUrl(raw: string | undefined): URL | undefined {
  if (!raw?.startsWith('/')) return undefined;
  try {
    // Prefixing (not `new URL(raw, base)`) keeps `//x` a path instead of a host named x.
    return new URL(`http://keel.invalid${raw}`);
  } catch {
    return undefined;
  }
}
