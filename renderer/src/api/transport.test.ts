import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wsTransport } from './transport';

/** The browser WebSocket as far as the transport uses it; the test plays the server. */
class FakeSocket {
  static readonly OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(data);
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
}

describe('the server-mode transport and oversized calls', () => {
  beforeEach(() => {
    vi.useFakeTimers(); // the reconnect after a close never fires
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('refuses a call larger than the server accepts, with the limit, without sending it', async () => {
    const t = wsTransport('ws://127.0.0.1:1/ws');
    const sock = FakeSocket.last!;
    sock.open();
    const r = await t.invoke('tenants.bulkProvision', {
      envId: 'demo',
      format: 'csv',
      text: 'x'.repeat(31_000_000),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!r.ok && r.error.message).toMatch(/at most 30\.1 MB per call \(this one is 31\.0 MB\)/);
    expect(sock.sent).toEqual([]);
  }, 20_000);

  it('explains a close for a message too big (1009) instead of "connection lost"', async () => {
    const t = wsTransport('ws://127.0.0.1:1/ws');
    const sock = FakeSocket.last!;
    sock.open();
    const pending = t.invoke('system.info', {});
    expect(sock.sent).toHaveLength(1);
    sock.onclose?.({ code: 1009 });
    const r = await pending;
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!r.ok && r.error.message).toMatch(/too large/);
  });
});
