import { describe, expect, it } from 'vitest';
import { KeelError } from '../../shared/errors';
import { CircuitBreaker, guarded } from '../../electron/main/stores/guard';

const map = (e: unknown) => (e instanceof KeelError ? e : new KeelError('SERVER_ERROR', String(e)));
const refused = () => Promise.reject(new KeelError('CONN_REFUSED', 'refused'));

describe('guarded calls', () => {
  it('time out at the bound and cancel the inner work', async () => {
    let innerAborted = false;
    const started = Date.now();
    await expect(
      guarded(
        new CircuitBreaker(),
        { timeoutMs: 100 },
        map,
        (signal) =>
          new Promise((r) => {
            signal.onCancel(() => (innerAborted = true));
            setTimeout(r, 5000);
          }),
      ),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(innerAborted).toBe(true);
  });

  it("honour the caller's AbortSignal", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await expect(
      guarded(
        new CircuitBreaker(),
        { timeoutMs: 5000, signal: ctl.signal },
        map,
        () => new Promise((r) => setTimeout(r, 5000)),
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('open the breaker after repeated outages: the next call fails fast with UNAVAILABLE', async () => {
    const b = new CircuitBreaker({ threshold: 2, baseBackoffMs: 10_000 });
    await expect(guarded(b, { timeoutMs: 1000 }, map, refused)).rejects.toMatchObject({
      code: 'CONN_REFUSED',
    });
    await expect(guarded(b, { timeoutMs: 1000 }, map, refused)).rejects.toMatchObject({
      code: 'CONN_REFUSED',
    });
    let called = false;
    await expect(
      guarded(b, { timeoutMs: 1000 }, map, async () => {
        called = true;
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { lastCode: 'CONN_REFUSED' } });
    expect(called).toBe(false);
    expect(b.state).toBe('open');
  });

  it('let probes through an open breaker, and close it on success', async () => {
    const b = new CircuitBreaker({ threshold: 1, baseBackoffMs: 10_000 });
    await expect(guarded(b, { timeoutMs: 1000 }, map, refused)).rejects.toBeDefined();
    expect(b.state).toBe('open');
    await guarded(b, { timeoutMs: 1000, probe: true }, map, async () => 'ok');
    expect(b.state).toBe('closed');
  });

  it('do not open the breaker for errors that are not outages (bad SQL, auth)', async () => {
    const b = new CircuitBreaker({ threshold: 1 });
    for (let i = 0; i < 3; i++) {
      await expect(
        guarded(b, { timeoutMs: 1000 }, map, () =>
          Promise.reject(new KeelError('AUTH_FAILED', 'no')),
        ),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    }
    expect(b.state).toBe('closed');
  });

  it('half-open after the back-off: one trial call goes through', async () => {
    const b = new CircuitBreaker({ threshold: 1, baseBackoffMs: 20 });
    await expect(guarded(b, { timeoutMs: 1000 }, map, refused)).rejects.toBeDefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(b.state).toBe('half-open');
    expect(await guarded(b, { timeoutMs: 1000 }, map, async () => 7)).toBe(7);
    expect(b.state).toBe('closed');
  });
});
