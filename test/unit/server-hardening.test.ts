import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { createLogger, silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import { startHttpServer, type RunningServer } from '../../electron/server/http-server';

const TOKEN = 'hardening-token-7f3a9c1e5b2d4068';
const HOUR = 3_600_000;

/** What a browser sends: `Cookie` from the sign-in and the page's own origin. */
interface Session {
  cookie: string;
  headers: Record<string, string>;
}

describe('server mode under hostile or oversized input', () => {
  let dir: string;
  let core: Core;
  let server: RunningServer;
  let base: string;
  let now = Date.parse('2026-01-01T00:00:00Z');
  let log = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-srv-hard-'));
    await mkdir(join(dir, 'static'));
    await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>Keel</title>');
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32)),
      logger: silentLogger(),
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    server = await startHttpServer({
      router: core.router,
      bus: core.bus,
      logger: createLogger({ level: 'debug', destination: sink }),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      staticDir: join(dir, 'static'),
      actor: { type: 'user', name: 'test' },
      clock: () => now,
    });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function signIn(): Promise<Session> {
    const res = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { cookie, headers: { Cookie: cookie, Origin: base } };
  }

  /** A raw request: the path is sent exactly as written (fetch would normalise it). */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/`, { path, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const rpc = (method: string, s: Session | undefined, body: string) =>
    fetch(`${base}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(s?.headers ?? {}) },
      body,
    });

  const openWs = (headers: Record<string, string>) =>
    new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers });
      ws.on('open', () => resolve({ ws }));
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.on('error', () => resolve({ status: -1 }));
    });

  /** Send one message and wait for the result of `id` or the socket's close code. */
  const exchange = (ws: WebSocket, msg: string | Buffer, id: number) =>
    new Promise<{ result?: { ok: boolean; error?: { code: string } }; closed?: number }>(
      (resolve) => {
        ws.on('message', (d) => {
          const m = JSON.parse(String(d)) as { type: string; id?: number; result?: never };
          if (m.type === 'result' && m.id === id) resolve({ result: m.result });
        });
        ws.on('close', (code) => resolve({ closed: code }));
        ws.on('error', () => undefined);
        ws.send(msg);
      },
    );

  /** A bulk CSV as big as tenants.bulkProvision allows (5,000,000 characters). */
  const bigCsv = (): string => {
    const row = 'acme-corp-000001,Acme Corporation Limited,standard,acme1\n';
    return ('id,name,plan,subdomain\n' + row.repeat(Math.ceil(5_000_000 / row.length))).slice(
      0,
      5_000_000,
    );
  };

  it('takes the largest input the contract allows over the WebSocket and over HTTP', async () => {
    const s = await signIn();
    const input = { envId: 'demo', format: 'csv', text: bigCsv() };
    const { ws } = await openWs(s.headers);
    if (!ws) throw new Error('no socket');
    const reply = await exchange(
      ws,
      JSON.stringify({ type: 'invoke', id: 1, method: 'tenants.bulkProvision', input }),
      1,
    );
    // The environment does not exist: the call reached the service instead of being cut off.
    expect(reply.result?.error?.code).toBe('NOT_FOUND');
    ws.close();
    const res = await rpc('tenants.bulkProvision', s, JSON.stringify(input));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);

  it('answers a WebSocket message over the limit with an error and stays up', async () => {
    const s = await signIn();
    const { ws } = await openWs(s.headers);
    if (!ws) throw new Error('no socket');
    const huge = Buffer.alloc(40 * 1024 * 1024, 0x20);
    const reply = await exchange(ws, huge, 1);
    expect(reply.closed).toBe(1009); // Message Too Big
    const again = await openWs(s.headers);
    if (!again.ws) throw new Error('the server no longer accepts sockets');
    const info = await exchange(
      again.ws,
      JSON.stringify({ type: 'invoke', id: 7, method: 'system.info', input: {} }),
      7,
    );
    expect(info.result).toMatchObject({ ok: true });
    again.ws.close();
    expect((await rpc('system.info', s, '{}')).status).toBe(200);
  }, 60_000);

  /** Stream a body until the server answers (a server that read it all would answer at the end). */
  const postOversize = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/api/rpc/tenants.bulkProvision`, { method: 'POST', headers });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        if (req.destroyed || sent >= 64) return;
        sent++;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });

  it('answers an HTTP body over the limit with 413 and a message people can read', async () => {
    const s = await signIn();
    const headers = { ...s.headers, 'Content-Type': 'application/json' };
    // Declared too large (refused before reading), and sent chunked with no length (while reading).
    for (const h of [{ ...headers, 'Content-Length': String(64 * 1024 * 1024) }, headers]) {
      const answer = await postOversize(h);
      expect(answer.status).toBe(413);
      const body = JSON.parse(answer.body) as { ok: boolean; error: { message: string } };
      expect(body.ok).toBe(false);
      expect(body.error.message).toMatch(/at most 30\.1 MB per call/);
    }
    expect((await rpc('system.info', s, '{}')).status).toBe(200);
  }, 60_000);

  it('never logs the token and answers malformed requests with 4xx, not 500', async () => {
    log = '';
    const doubleSlash = await raw(`//?token=${TOKEN}`);
    expect(doubleSlash.status).toBeGreaterThanOrEqual(400);
    expect(doubleSlash.status).toBeLessThan(500);
    expect((await raw('//')).status).toBe(401);
    expect((await raw(`//evil.example/?token=${TOKEN}`)).status).toBe(401);
    expect((await raw(`/api/rpc/system.info?token=${TOKEN}`)).status).toBe(401);
    const badCookie = await raw('/', { Cookie: 'keel_session=%E0%A4%A' });
    expect(badCookie.status).toBe(400);
    expect(badCookie.body).toMatch(/session cookie/);
    expect(log).toContain('refused');
    expect(log).not.toContain(TOKEN);
  });

  it('refuses a WebSocket upgrade to `//` without falling over', async () => {
    const upgrade = (path: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`, {
          headers: { Authorization: `Bearer ${TOKEN}` },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
        ws.on('open', () => resolve(101));
      });
    expect(await upgrade(`//?token=${TOKEN}`)).toBe(404);
    expect(log).not.toContain(TOKEN);
    expect(
      (
        await rpc(
          'system.info',
          { cookie: '', headers: { Authorization: `Bearer ${TOKEN}` } },
          '{}',
        )
      ).status,
    ).toBe(200);
  });

  it('sets a session id, not the token, as the cookie, and refuses the token as a cookie', async () => {
    const res = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const value = /^keel_session=([^;]*)/.exec(setCookie)?.[1] ?? '';
    expect(value).not.toContain(TOKEN);
    expect(decodeURIComponent(value)).not.toBe(TOKEN);
    expect(value.length).toBeGreaterThanOrEqual(32);

    const withToken = { cookie: '', headers: { Cookie: `keel_session=${TOKEN}`, Origin: base } };
    expect((await rpc('system.info', withToken, '{}')).status).toBe(401);
    expect((await openWs(withToken.headers)).status).toBe(401);
    const unknown = { cookie: '', headers: { Cookie: `keel_session=${'A'.repeat(43)}` } };
    expect((await rpc('system.info', unknown, '{}')).status).toBe(401);
    // The raw token stays valid as a bearer header (CLI, scripts).
    const bearer = { cookie: '', headers: { Authorization: `Bearer ${TOKEN}` } };
    expect((await rpc('system.info', bearer, '{}')).status).toBe(200);
  });

  it('expires a session after 12 hours without use (each use extends it)', async () => {
    const s = await signIn();
    now += 11 * HOUR;
    expect((await rpc('system.info', s, '{}')).status).toBe(200);
    now += 11 * HOUR;
    expect((await rpc('system.info', s, '{}')).status).toBe(200);
    const { ws } = await openWs(s.headers);
    if (!ws) throw new Error('no socket');
    now += 12 * HOUR + 1;
    const msg = JSON.stringify({ type: 'invoke', id: 1, method: 'system.info', input: {} });
    expect(await exchange(ws, msg, 1)).toEqual({ closed: 1008 });
    expect((await rpc('system.info', s, '{}')).status).toBe(401);
    expect((await openWs(s.headers)).status).toBe(401);
  });

  it('lets the page connect only to its own origin (CSP connect-src), in the header and the HTML', async () => {
    const res = await rpc('system.info', undefined, '{}');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(/connect-src ([^;]*)/.exec(csp)?.[1]).toBe("'self'");
    const html = await readFile(join(__dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(/connect-src ([^;]*)/.exec(meta)?.[1]).toBe("'self'");
  });
});
