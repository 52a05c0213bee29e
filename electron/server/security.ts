import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../../shared/ipc/channels';
import { tokenMatches } from './token';

/** Security headers of every response: no framing, no sniffing, no referrer, the app's CSP. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
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

export function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

/**
 * Every request: a known Host, a same-origin Origin if a browser sent one, and the token
 * (bearer header for scripts, session cookie for the served UI).
 */
export function checkRequest(req: IncomingMessage, token: string, hosts: Set<string>): Verdict {
  const host = req.headers.host ?? '';
  if (!hosts.has(host)) return { ok: false, status: 421, reason: 'unknown Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    return { ok: false, status: 403, reason: 'cross-origin request refused' };
  }
  if (!tokenMatches(token, bearerToken(req)) && !tokenMatches(token, cookieToken(req))) {
    return { ok: false, status: 401, reason: 'missing or wrong token' };
  }
  return { ok: true };
}
