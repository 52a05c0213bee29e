import { afterEach, describe, expect, it } from 'vitest';
import { KeelError } from '../../shared/errors';
import { BoundedFifo } from '../../electron/main/services/monitoring/bounded-fifo';
import { SampleWriter } from '../../electron/main/services/monitoring/sample-writer';

describe('BoundedFifo', () => {
  it('is first in, first out across the ring boundary', () => {
    const q = new BoundedFifo<number>(4);
    q.push([1, 2, 3]);
    expect(q.take(2)).toEqual([1, 2]);
    q.push([4, 5, 6]);
    expect(q.length).toBe(4);
    expect(q.take(10)).toEqual([3, 4, 5, 6]);
    expect(q.length).toBe(0);
  });

  it('drops the oldest items beyond the bound and counts them', () => {
    const q = new BoundedFifo<number>(3);
    expect(q.push([1, 2, 3, 4])).toBe(1);
    expect(q.push([5])).toBe(1);
    expect(q.dropped).toBe(2);
    expect(q.take(3)).toEqual([3, 4, 5]);
    expect(q.push([1, 2, 3, 4, 5, 6, 7])).toBe(4); // more than fits at once
    expect(q.take(3)).toEqual([5, 6, 7]);
    expect(q.dropped).toBe(6);
  });

  it('puts taken items back at the head in order, dropping the oldest of them if full', () => {
    const q = new BoundedFifo<number>(5);
    q.push([1, 2, 3, 4]);
    const batch = q.take(3);
    q.push([5, 6]);
    expect(q.unshift(batch)).toBe(1); // room for 2 of the 3
    expect(q.take(5)).toEqual([2, 3, 4, 5, 6]);
    expect(q.length).toBe(0);
    expect(q.dropped).toBe(1);
  });

  it('resizes keeping the newest items', () => {
    const q = new BoundedFifo<number>(4);
    q.push([1, 2, 3, 4]);
    expect(q.resize(2)).toBe(2);
    expect(q.take(4)).toEqual([3, 4]);
    q.resize(8);
    q.push([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(q.length).toBe(8);
  });
});

/** A fake InfluxDB: records every batch, fails while `down`. */
function fakeSink() {
  const batches: string[][] = [];
  const state = { down: false, reject: false, calls: 0, maxInFlight: 0, inFlight: 0 };
  const sink = async (lines: string[]): Promise<void> => {
    state.calls++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    state.inFlight--;
    if (state.reject) throw new KeelError('VALIDATION', 'unable to parse');
    if (state.down) throw new KeelError('CONN_REFUSED', 'connect ECONNREFUSED');
    batches.push(lines);
  };
  return { sink, batches, state, written: () => batches.flat() };
}

const lines = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `m v=${from + i} ${from + i}`);

describe('SampleWriter', () => {
  const writers: SampleWriter[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.dispose(100)));
  });
  const make = (sink: (l: string[]) => Promise<void>, o = {}) => {
    const w = new SampleWriter(sink, { retryBaseMs: 5, retryMaxMs: 20, flushMs: 20, ...o });
    writers.push(w);
    return w;
  };

  it('writes full batches at once and the rest after flushMs, at most maxInFlight at a time', async () => {
    const f = fakeSink();
    const w = make(f.sink, { batchSize: 100, maxInFlight: 2 });
    w.addLines(lines(0, 1050));
    expect(f.state.calls).toBe(2); // two full batches went out at once, the rest wait
    expect(await w.drain(2000)).toBe(true);
    expect(f.written()).toEqual(lines(0, 1050));
    expect(f.state.maxInFlight).toBe(2);
    expect(f.batches.every((b) => b.length <= 100)).toBe(true);
    expect(w.stats()).toMatchObject({ written: 1050, buffered: 0, dropped: 0, inFlight: 0 });
  });

  it('sends a partial batch after flushMs without being asked', async () => {
    const f = fakeSink();
    const w = make(f.sink, { batchSize: 100, flushMs: 30 });
    w.addLines(lines(0, 5));
    expect(f.state.calls).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(f.written()).toEqual(lines(0, 5));
  });

  it('buffers while the sink fails, retries, and flushes everything in order when it returns', async () => {
    const f = fakeSink();
    let readyChecks = 0;
    const w = make(f.sink, {
      batchSize: 50,
      maxInFlight: 2,
      ready: async () => {
        readyChecks++;
        if (f.state.down) throw new KeelError('CONN_REFUSED', 'still down');
      },
    });
    f.state.down = true;
    for (let i = 0; i < 10; i++) {
      w.addLines(lines(i * 37, 37));
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 50));
    const during = w.stats();
    expect(during.written).toBe(0);
    expect(during.buffered).toBe(370);
    expect(during.failingSince).toBeDefined();
    expect(during.lastError?.code).toBe('CONN_REFUSED');
    expect(readyChecks).toBeGreaterThan(0);
    f.state.down = false;
    expect(await w.drain(3000)).toBe(true);
    expect(f.written()).toEqual(lines(0, 370)); // nothing lost, nothing out of order
    expect(w.stats()).toMatchObject({ written: 370, dropped: 0, buffered: 0 });
    expect(w.stats().failingSince).toBeUndefined();
  });

  it('keeps order when both in-flight writes fail', async () => {
    const f = fakeSink();
    const w = make(f.sink, { batchSize: 10, maxInFlight: 2 });
    f.state.down = true;
    w.addLines(lines(0, 20)); // two batches in flight, both fail
    await new Promise((r) => setTimeout(r, 20));
    f.state.down = false;
    w.addLines(lines(20, 5));
    expect(await w.drain(2000)).toBe(true);
    expect(f.written()).toEqual(lines(0, 25));
  });

  it('drops the oldest samples beyond its bound, counts them, and writes the rest in order', async () => {
    const f = fakeSink();
    // Retries wait for `ready`, so nothing is in flight while the sink is down: the bound then
    // applies to every sample held.
    const ready = async () => {
      if (f.state.down) throw new KeelError('CONN_REFUSED', 'still down');
    };
    const w = make(f.sink, { batchSize: 10, capacity: 100, ready });
    f.state.down = true;
    w.addLines(lines(0, 10)); // in flight, then back at the head
    await new Promise((r) => setTimeout(r, 20));
    w.addLines(lines(10, 140));
    expect(w.stats()).toMatchObject({ dropped: 50, capacity: 100 });
    f.state.down = false;
    expect(await w.drain(2000)).toBe(true);
    expect(f.written()).toEqual(lines(50, 100));
    expect(w.stats().dropped).toBe(50);
  });

  it('does not retry a batch InfluxDB refused as malformed', async () => {
    const f = fakeSink();
    const w = make(f.sink, { batchSize: 10 });
    f.state.reject = true;
    w.addLines(lines(0, 10));
    expect(await w.drain(1000)).toBe(true);
    expect(w.stats()).toMatchObject({ rejected: 10, written: 0, buffered: 0 });
    f.state.reject = false;
    w.addLines(lines(10, 10));
    expect(await w.drain(1000)).toBe(true);
    expect(f.written()).toEqual(lines(10, 10));
  });

  it('turns samples into lines, skipping non-finite values', async () => {
    const f = fakeSink();
    const w = make(f.sink);
    const base = {
      envId: 'e',
      connectionId: 'c',
      kind: 'redis' as const,
      metric: 'redis.ops_per_sec' as const,
      unit: 'per_sec' as const,
      at: 1000,
    };
    w.add([
      { ...base, value: 1 },
      { ...base, value: Number.NaN },
      { ...base, value: 2, at: 2000 },
    ]);
    expect(await w.drain(1000)).toBe(true);
    expect(f.written()).toEqual([
      'keel.redis.ops_per_sec,conn=c,env=e,kind=redis value=1 1000000000',
      'keel.redis.ops_per_sec,conn=c,env=e,kind=redis value=2 2000000000',
    ]);
  });

  it('on dispose, writes what it holds; gives up after the time-out when the sink is down', async () => {
    const f = fakeSink();
    const w = new SampleWriter(f.sink, { flushMs: 10_000 });
    w.addLines(lines(0, 3));
    await w.dispose(1000);
    expect(f.written()).toEqual(lines(0, 3));

    const g = fakeSink();
    g.state.down = true;
    const v = new SampleWriter(g.sink, { flushMs: 10, retryBaseMs: 5, retryMaxMs: 10 });
    v.addLines(lines(0, 3));
    const t0 = Date.now();
    await v.dispose(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(v.stats().buffered).toBe(3);
    v.addLines(lines(3, 1)); // ignored after dispose
    expect(v.stats().buffered).toBe(3);
  });
});
