import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { methodEntries, type MethodId } from '../../shared/contract/index';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import { Router, type CallContext, type Handlers } from '../../electron/main/router/router';
import { badPayloads, hostilePayloads } from '../support/bad-payloads';
import { snapshotTree as snapshot } from '../support/file-snapshot';

const ctx: CallContext = {
  shell: 'server',
  actor: { type: 'user', name: 'test' },
  signal: new AbortController().signal,
};

/** Every method's handler is a spy: a bad payload must never reach one. */
function spyHandlers(): Handlers & Record<string, ReturnType<typeof vi.fn>> {
  return Object.fromEntries(methodEntries.map(([id]) => [id, vi.fn(() => ({}))])) as never;
}

describe('every contract method rejects malformed input with VALIDATION', () => {
  const perMethod = new Map<MethodId, unknown[]>();
  let total = 0;
  for (const [id, spec] of methodEntries) {
    const payloads = badPayloads(spec.input, spec.example, 60);
    perMethod.set(id, payloads);
    total += payloads.length;
  }

  it('generates at least 1,000 bad payloads per run', () => {
    expect(total).toBeGreaterThanOrEqual(1000);
    for (const [id, list] of perMethod) expect(list.length, id).toBeGreaterThanOrEqual(20);
  });

  it('answers VALIDATION and never calls the handler', { timeout: 120_000 }, async () => {
    const handlers = spyHandlers();
    const router = new Router(handlers, silentLogger());
    for (const [id, list] of perMethod) {
      for (const payload of list) {
        const r = await router.dispatch(id, payload, ctx);
        expect(r.ok, `${id} accepted ${safeJson(payload)}`).toBe(false);
        if (!r.ok) expect(r.error.code, `${id} with ${safeJson(payload)}`).toBe('VALIDATION');
      }
      expect(handlers[id], id).not.toHaveBeenCalled();
    }
  });

  it('refuses every hand-written hostile value of each field kind (ids, paths, URLs, cron, 10 MB)', () => {
    const accepted: string[] = [];
    for (const [id, spec] of methodEntries) {
      for (const h of hostilePayloads(spec.example)) {
        if (spec.input.safeParse(h.payload).success) {
          accepted.push(`${id} ${h.path} = ${safeJson(h.value).slice(0, 60)}`);
        }
      }
    }
    expect(accepted, 'schemas that accept a hostile value').toEqual([]);
  });

  it('accepts each method example (the generator starts from valid input)', async () => {
    for (const [id, spec] of methodEntries) {
      expect(spec.input.safeParse(spec.example).success, id).toBe(true);
    }
  });

  it('refuses unknown top-level keys on every method (no silently ignored options)', () => {
    for (const [id, spec] of methodEntries) {
      const withExtra = { ...(spec.example as object), unexpectedOption: true };
      expect(spec.input.safeParse(withExtra).success, id).toBe(false);
    }
  });

  it('refuses unknown methods with UNKNOWN_METHOD', async () => {
    const router = new Router(spyHandlers(), silentLogger());
    await fc.assert(
      fc.asyncProperty(fc.string(), async (name) => {
        fc.pre(!methodEntries.some(([id]) => id === name));
        const r = await router.dispatch(name, {}, ctx);
        return !r.ok && r.error.code === 'UNKNOWN_METHOD';
      }),
      { numRuns: 200 },
    );
  });
});

describe('bad input through the real services changes nothing on disk', () => {
  let dir: string;
  let core: Core;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-badinput-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 7)),
      logger: silentLogger(),
    });
    const ok = await core.router.dispatch(
      'environments.save',
      { id: 'staging', name: 'Staging' },
      ctx,
    );
    expect(ok.ok).toBe(true);
  });

  afterAll(async () => {
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves every state file byte-for-byte as it was', { timeout: 120_000 }, async () => {
    const before = await snapshot(dir);
    for (const [id, spec] of methodEntries) {
      for (const payload of badPayloads(spec.input, spec.example, 15)) {
        const r = await core.router.dispatch(id, payload, ctx);
        expect(r.ok ? 'ok' : r.error.code, id).toBe('VALIDATION');
      }
    }
    expect(await snapshot(dir)).toEqual(before);
  });
});

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
