import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { RPC_PATH, SESSION_COOKIE, WS_PATH } from '../../shared/ipc/channels';
import type { Actor } from '../../shared/jobs';
import type { EventBus } from '../main/lib/event-bus';
import type { Router } from '../main/router/router';
import { allowedHosts, checkRequest, SECURITY_HEADERS } from './security';
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
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;

/**
 * Server mode: the contract over HTTP (`POST /api/rpc/<method>`) and WebSocket (`/ws`), and the
 * renderer as static files. Every request needs the token; `/?token=…` exchanges it once for an
 * HttpOnly SameSite=Strict session cookie so the browser UI can load.
 */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningServer> {
  let hosts = new Set<string>();
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    void handle(req, res).catch((e: unknown) => {
      o.logger.error({ err: e, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      return exchangeToken(url.searchParams.get('token') ?? '', req, res);
    }
    const verdict = checkRequest(req, o.token, hosts);
    if (!verdict.ok) {
      o.logger.warn(
        { status: verdict.status, reason: verdict.reason, path: url.pathname },
        'refused',
      );
      return refuse(res, verdict.status, verdict.reason, req);
    }
    if (url.pathname.startsWith(RPC_PATH))
      return rpc(url.pathname.slice(RPC_PATH.length), req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (!o.staticDir) return void res.writeHead(404).end('the renderer is not built');
    return serveStatic(o.staticDir, url.pathname, res);
  }

  function exchangeToken(given: string, req: IncomingMessage, res: ServerResponse): void {
    if (!hosts.has(req.headers.host ?? '') || !tokenMatches(o.token, given)) {
      return refuse(res, 401, 'wrong token', req);
    }
    res.writeHead(303, {
      'Set-Cookie': `${SESSION_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
      Location: '/',
    });
    res.end();
  }

  async function rpc(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > MAX_BODY) return void res.writeHead(413).end('request too large');
    }
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      return json(res, {
        ok: false,
        error: { code: 'VALIDATION', message: 'the body is not JSON' },
      });
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const detachWs = attachWebSocket(wss, o);
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, o.token, hosts);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!verdict.ok || path !== WS_PATH) {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(
        `HTTP/1.1 ${status} ${verdict.ok ? 'Not Found' : verdict.reason}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
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

function json(res: ServerResponse, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, reason: string, req: IncomingMessage): void {
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  if (wantsHtml && status === 401) {
    res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><meta charset="utf-8"><title>Keel</title><p>Keel needs its access token. Open the URL that <code>keel serve</code> printed (it ends with <code>?token=…</code>), or run <code>keel token</code> on this machine.</p>',
    );
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      ok: false,
      error: { code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: reason },
    }),
  );
}
