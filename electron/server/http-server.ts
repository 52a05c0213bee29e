import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { maxRequestBytes, tooLargeMessage } from '../../shared/contract/limits';
import { RPC_PATH, SESSION_COOKIE, WS_PATH } from '../../shared/ipc/channels';
import type { ErrorCode } from '../../shared/errors';
import type { Actor } from '../../shared/jobs';
import type { EventBus } from '../main/lib/event-bus';
import type { Router } from '../main/router/router';
import { readBody } from './body';
import {
  allowedHosts,
  checkRequest,
  redactUrl,
  requestUrl,
  SECURITY_HEADERS,
  type Verdict,
} from './security';
import { Sessions } from './sessions';
import { SIGN_IN_STYLE_SOURCE, signInPage, type SignInProblem } from './sign-in-page';
import { serveStatic } from './static';
import { tokenMatches } from './token';
import { attachWebSocket } from './ws';

export interface HttpServerOptions {
  router: Router;
  bus: EventBus;
  logger: Logger;
  token: string;
  host: string;
  port: number;
  /** Built renderer (out/renderer); without it only the API is served. */
  staticDir?: string;
  actor: Actor;
  /** Browser sessions end after this long without use (default 12 h). */
  sessionTtlMs?: number;
  /** Time source of session expiry (tests). */
  clock?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Server mode: the contract over HTTP (`POST /api/rpc/<method>`) and WebSocket (`/ws`), and the
 * renderer as static files. Every request needs the token as a bearer header, or a browser
 * session: `/?token=…` exchanges the token for a random session id (HttpOnly SameSite=Strict
 * cookie, ends after 12 h without use). HTTP bodies and WebSocket messages share one size limit,
 * derived from the contract. Request URLs are logged without their query values.
 */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningServer> {
  let hosts = new Set<string>();
  const limit = maxRequestBytes();
  const sessions = new Sessions(o.sessionTtlMs, o.clock);
  const check = (req: IncomingMessage): Verdict => checkRequest(req, o.token, hosts, sessions);
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    void handle(req, res).catch((e: unknown) => {
      o.logger.error({ err: e, url: redactUrl(req.url) }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (!url) {
      o.logger.warn({ url: redactUrl(req.url) }, 'refused: malformed request target');
      return refuse(res, 400, 'malformed request URL', req);
    }
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      return exchangeToken(url.searchParams.get('token') ?? '', req, res);
    }
    const verdict = check(req);
    if (!verdict.ok) {
      o.logger.warn(
        { status: verdict.status, reason: verdict.reason, path: redactUrl(url.pathname) },
        'refused',
      );
      return refuse(res, verdict.status, verdict.reason, req, verdict.signIn);
    }
    if (url.pathname.startsWith(RPC_PATH))
      return rpc(url.pathname.slice(RPC_PATH.length), req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (!o.staticDir) return void res.writeHead(404).end('the renderer is not built');
    return serveStatic(o.staticDir, url.pathname, res);
  }

  function exchangeToken(given: string, req: IncomingMessage, res: ServerResponse): void {
    if (!hosts.has(req.headers.host ?? '') || !tokenMatches(o.token, given)) {
      return refuse(res, 401, 'wrong token', req, given === '' ? 'missing' : 'wrong');
    }
    res.writeHead(303, {
      'Set-Cookie': `${SESSION_COOKIE}=${sessions.create()}; HttpOnly; SameSite=Strict; Path=/`,
      Location: '/',
    });
    res.end();
  }

  async function rpc(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    const body = await readBody(req, limit);
    if (body === 'too-large') {
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      o.logger.warn({ limit, declared }, 'refused: request body over the limit');
      return json(res, failure('VALIDATION', tooLargeMessage(declared || undefined)), 413);
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      return json(res, failure('VALIDATION', 'the body is not JSON'));
    }
    const ctl = new AbortController();
    res.on('close', () => ctl.abort());
    const result = await o.router.dispatch(method, input, {
      shell: 'server',
      actor: o.actor,
      signal: ctl.signal,
    });
    json(res, result);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: limit });
  const detachWs = attachWebSocket(wss, { ...o, sessions });
  server.on('upgrade', (req, socket, head) => {
    const verdict = check(req);
    const path = requestUrl(req.url)?.pathname;
    if (!verdict.ok || path !== WS_PATH) {
      const [status, reason] = !verdict.ok
        ? [verdict.status, verdict.reason]
        : path === undefined
          ? [400, 'malformed request URL']
          : [404, 'not found'];
      if (!verdict.ok || path === undefined)
        o.logger.warn({ status, reason, url: redactUrl(req.url) }, 'refused WebSocket');
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, verdict.session));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(o.host, port);
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: async () => {
      detachWs();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function json(res: ServerResponse, value: unknown, status = 200): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function refuse(
  res: ServerResponse,
  status: number,
  reason: string,
  req: IncomingMessage,
  signIn: SignInProblem = 'missing',
): void {
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  if (wantsHtml && status === 401) {
    res.writeHead(401, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The page's one inline style, allowed by its hash; nothing else changes.
      'Content-Security-Policy': SECURITY_HEADERS['Content-Security-Policy']!.replace(
        "style-src 'self'",
        `style-src ${SIGN_IN_STYLE_SOURCE}`,
      ),
    });
    res.end(signInPage(signIn, req.headers['accept-language']));
    return;
  }
  const code = status === 401 ? 'UNAUTHORIZED' : status === 400 ? 'VALIDATION' : 'FORBIDDEN';
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(failure(code, reason)));
}

const failure = (code: ErrorCode, message: string) => ({ ok: false, error: { code, message } });
