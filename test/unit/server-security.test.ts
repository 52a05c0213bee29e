import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import { startHttpServer, type RunningServer } from '../../electron/server/http-server';

const TOKEN = 'test-token-0123456789abcdef';

describe('server mode refuses what it must', () => {
  let dir: string;
  let core: Core;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-srv-'));
    await mkdir(join(dir, 'static'));
    await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>Keel</title>');
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32)),
      logger: silentLogger(),
    });
    server = await startHttpServer({
      router: core.router,
      bus: core.bus,
      logger: silentLogger(),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      staticDir: join(dir, 'static'),
      actor: { type: 'user', name: 'test' },
    });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const rpc = (method: string, headers: Record<string, string> = {}, body = '{}') =>
    fetch(`${base}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });

  it('answers 401 without a token and with a wrong one, on the API and the UI', async () => {
    expect((await rpc('system.info')).status).toBe(401);
    expect(
      (await rpc('system.info', { Authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=nope`)).status).toBe(401);
    const page = await fetch(`${base}/`, { headers: { Accept: 'text/html' } });
    expect(await page.text()).toContain('keel serve');
  });

  it('tells a browser a missing token from a wrong one and an expired session, in its language', async () => {
    const html = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { headers: { Accept: 'text/html', ...headers } });
    const problem = async (res: Response) => {
      expect(res.status).toBe(401);
      return /data-problem="(\w+)"/.exec(await res.text())?.[1];
    };
    expect(await problem(await html('/'))).toBe('missing');
    expect(await problem(await html('/?token=nope'))).toBe('wrong');
    // A well-formed session this server does not know: it ended (or the server restarted).
    const stale = (await session()).replace(/=.*/, `=${'0'.repeat(43)}`);
    const expired = await html('/', { Cookie: stale });
    expect(await problem(expired)).toBe('expired');

    const zh = await (await html('/', { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' })).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('此控制台需要访问令牌');
    // Styled, and the style is allowed by its hash only: no 'unsafe-inline'.
    const page = await html('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).toContain('<style>');
  });

  it('serves the contract with the bearer token', async () => {
    const res = await rpc('system.info', { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, value: { shell: 'server', name: 'Keel' } });
  });

  it('refuses a request from another origin even with the token', async () => {
    const res = await rpc('system.info', {
      Authorization: `Bearer ${TOKEN}`,
      Origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
  });

  it('refuses an unknown Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const port = new URL(base).port;
      request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/rpc/system.info',
          method: 'POST',
          headers: { Host: `evil.example:${port}`, Authorization: `Bearer ${TOKEN}` },
        },
        (r) => resolve(r.statusCode ?? 0),
      ).end('{}');
    });
    expect(status).toBe(421);
  });

  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie that opens the UI', async () => {
    const res = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${base}/`, { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses path traversal out of the static root', async () => {
    const res = await fetch(`${base}/..%2f..%2fetc%2fpasswd`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect([403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('root:');
  });

  const open = (headers: Record<string, string>) =>
    new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers });
      ws.on('open', () => resolve({ ws }));
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.on('error', () => resolve({ status: -1 }));
    });

  /** The session cookie the UI gets from `/?token=`. */
  const session = async (): Promise<string> => {
    const res = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };

  it('refuses a WebSocket without the token or from another origin', async () => {
    expect((await open({})).status).toBe(401);
    expect((await open({ Cookie: await session(), Origin: 'http://evil.example' })).status).toBe(
      403,
    );
  });

  it('invokes methods and delivers subscribed events over the WebSocket', async () => {
    const { ws } = await open({ Cookie: await session(), Origin: base });
    if (!ws) throw new Error('no socket');
    const messages: Array<{ type: string; id?: number; topic?: string; result?: { ok: boolean } }> =
      [];
    let arrived: () => void = () => undefined;
    const allThree = new Promise<void>((r) => (arrived = r));
    ws.on('message', (d) => {
      messages.push(JSON.parse(String(d)));
      if (messages.length === 3) arrived();
    });
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'prefs.changed' }));
    ws.send(
      JSON.stringify({ type: 'invoke', id: 1, method: 'prefs.set', input: { theme: 'dark' } }),
    );
    ws.send(
      JSON.stringify({ type: 'invoke', id: 2, method: 'prefs.set', input: { theme: 'purple' } }),
    );
    await allThree; // two results and the one event
    expect(messages.find((m) => m.id === 1)?.result).toMatchObject({
      ok: true,
      value: { theme: 'dark' },
    });
    expect(messages.find((m) => m.id === 2)?.result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(messages.filter((m) => m.type === 'event' && m.topic === 'prefs.changed')).toHaveLength(
      1,
    );
    ws.close();
  });

  it('closes a WebSocket that sends garbage', async () => {
    const { ws } = await open({ Authorization: `Bearer ${TOKEN}` });
    if (!ws) throw new Error('no socket');
    const code = await new Promise<number>((resolve) => {
      ws.on('close', (c) => resolve(c));
      ws.send('{not json');
    });
    expect(code).toBe(1008);
  });
});
