import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { methodEntries } from '../../shared/contract/index';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import { Router, type Handlers } from '../../electron/main/router/router';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import { startHttpServer, type RunningServer } from '../../electron/server/http-server';
import { wireCalls, type WireCall } from '../support/wire-payloads';
import { snapshotTree } from '../support/file-snapshot';

const TOKEN = 'transport-token-0123456789abcdef';
const actor = { type: 'user' as const, name: 'test' };

/**
 * The bad-input suite again, but as a client sends it: JSON text over `POST /api/rpc/<method>`
 * and over the WebSocket's `invoke`. The router alone is covered by contract-bad-input.test.ts;
 * this proves no transport has a path around it (a body read another way, a message dispatched
 * to a handler directly, a socket that stops answering).
 */
function spyHandlers(): Handlers & Record<string, ReturnType<typeof vi.fn>> {
  return Object.fromEntries(methodEntries.map(([id]) => [id, vi.fn(() => ({}))])) as never;
}

async function overHttp(base: string, c: WireCall): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/api/rpc/${c.method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: c.text,
  });
  return { status: res.status, body: await res.json() };
}

/** One authenticated socket; `invoke` resolves with the result frame, rejects if it closes. */
async function openSocket(base: string): Promise<{
  invoke(c: WireCall): Promise<unknown>;
  close(): void;
}> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
    maxPayload: 64 * 1024 * 1024,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { type: string; id?: number; result?: unknown };
    if (m.type === 'result' && m.id !== undefined) waiting.get(m.id)?.resolve(m.result);
  });
  ws.on('close', (code, reason) => {
    for (const w of waiting.values())
      w.reject(new Error(`socket closed ${code} ${String(reason)}`));
  });
  let next = 0;
  return {
    invoke: (c) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        ws.send(
          `{"type":"invoke","id":${id},"method":${JSON.stringify(c.method)},"input":${c.text}}`,
        );
      }),
    close: () => ws.close(),
  };
}

/** Runs `fn` over `items`, `width` at a time (the loopback server answers in order anyway). */
async function inBatches<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map(fn));
}

const refusal = (r: unknown): string =>
  (r as { ok?: boolean; error?: { code?: string } }).ok === false
    ? String((r as { error: { code?: string } }).error.code)
    : `accepted: ${JSON.stringify(r).slice(0, 120)}`;

describe('bad payloads over HTTP and the WebSocket reach no handler', () => {
  const handlers = spyHandlers();
  let server: RunningServer;
  const calls = wireCalls(5, true);

  beforeAll(async () => {
    server = await startHttpServer({
      router: new Router(handlers, silentLogger()),
      bus: new EventBus(),
      logger: silentLogger(),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      actor,
    });
  });
  afterAll(() => server.close());

  it('sends thousands of them, every method, 10 MB strings included', () => {
    expect(calls.length).toBeGreaterThanOrEqual(4000);
    expect(new Set(calls.map((c) => c.method)).size).toBe(methodEntries.length);
  });

  it(
    'answers each HTTP call 200 with VALIDATION and calls no handler',
    { timeout: 300_000 },
    async () => {
      const wrong: string[] = [];
      await inBatches(calls, 16, async (c) => {
        const { status, body } = await overHttp(server.url, c);
        if (status !== 200 || refusal(body) !== 'VALIDATION')
          wrong.push(`${c.method} ${c.text.slice(0, 80)} → ${status} ${refusal(body)}`);
      });
      expect(wrong).toEqual([]);
      for (const [id] of methodEntries) expect(handlers[id], id).not.toHaveBeenCalled();
    },
  );

  it(
    'answers each WebSocket invoke with VALIDATION on one open socket and calls no handler',
    { timeout: 300_000 },
    async () => {
      const socket = await openSocket(server.url);
      const wrong: string[] = [];
      try {
        await inBatches(calls, 32, async (c) => {
          const r = await socket.invoke(c);
          if (refusal(r) !== 'VALIDATION')
            wrong.push(`${c.method} ${c.text.slice(0, 80)} → ${refusal(r)}`);
        });
      } finally {
        socket.close();
      }
      expect(wrong).toEqual([]);
      for (const [id] of methodEntries) expect(handlers[id], id).not.toHaveBeenCalled();
    },
  );
});

describe('bad payloads over HTTP and the WebSocket change no file (the real services)', () => {
  let dir: string;
  let core: Core;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-wire-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 7)),
      logger: silentLogger(),
    });
    const saved = await core.router.dispatch(
      'environments.save',
      { id: 'staging', name: 'Staging' },
      { shell: 'server', actor, signal: new AbortController().signal },
    );
    expect(saved.ok).toBe(true);
    server = await startHttpServer({
      router: core.router,
      bus: core.bus,
      logger: silentLogger(),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      actor,
    });
  });
  afterAll(async () => {
    await server.close();
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'leaves every file under the state directory, at any depth, as it was',
    { timeout: 300_000 },
    async () => {
      const before = await snapshotTree(dir);
      expect(Object.keys(before).length).toBeGreaterThan(0);
      const calls = wireCalls(0, false, 25); // 25 per method: each shape of bad value once
      const socket = await openSocket(server.url);
      const wrong: string[] = [];
      try {
        await inBatches(calls, 16, async (c) => {
          const [http, ws] = await Promise.all([overHttp(server.url, c), socket.invoke(c)]);
          if (refusal(http.body) !== 'VALIDATION')
            wrong.push(`HTTP ${c.method} → ${refusal(http.body)}`);
          if (refusal(ws) !== 'VALIDATION') wrong.push(`WS ${c.method} → ${refusal(ws)}`);
        });
      } finally {
        socket.close();
      }
      expect(wrong).toEqual([]);
      expect(await snapshotTree(dir)).toEqual(before);
    },
  );
});
