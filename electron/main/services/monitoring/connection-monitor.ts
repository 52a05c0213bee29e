import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import type { Connection, StoreKind } from '../../../../shared/models/environment';
import {
  MAX_EVENT_POINTS,
  METRICS,
  type ConnectionLatest,
  type MetricPoint,
  type Sample,
  type SamplesEvent,
  type SweepInfo,
} from '../../../../shared/monitoring';
import type { CollectContext } from './collectors/types';
import { CounterState } from './counters';
import type { MonitoringSettings } from './settings';

/** Samples per sweep assumed before a connection's first sweep (for sizing the buffer). */
const GUESS: Record<StoreKind, number> = { mysql: 25, redis: 15, mongodb: 20, influxdb: 8 };

export type Reader = (ctx: CollectContext) => Promise<MetricPoint[]>;

/**
 * The schedule and state of one monitored connection: an interval whose tick is skipped (and
 * counted) while the previous sweep still runs, a time-out per sweep, its counter readings for
 * rates, and what its last sweep found.
 */
export class ConnectionMonitor {
  readonly counters = new CounterState();
  readonly startedAt = Date.now();
  sweeps = 0;
  failures = 0;
  overlapsSkipped = 0;
  lastSweep: SweepInfo | undefined;
  latest: Sample[] = [];
  lastSlow: SweepInfo | undefined;
  /** The last good slow read's samples. */
  latestSlow: Sample[] = [];
  private slowRunning = false;
  private totalSamples = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<Sample[]> | undefined;
  private readonly loggedSkips = new Set<string>();
  private readonly fingerprint: string;

  constructor(
    readonly envId: string,
    readonly connection: Connection,
    private readonly settings: MonitoringSettings,
    private readonly onTick: (m: ConnectionMonitor) => Promise<unknown>,
    private readonly logger: Logger,
  ) {
    this.fingerprint = JSON.stringify(connection);
  }

  /** Sweep now, then every interval. */
  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  same(c: Connection): boolean {
    return JSON.stringify(c) === this.fingerprint;
  }

  get samplesPerSweep(): number {
    return this.sweeps > 0 ? this.totalSamples / this.sweeps : GUESS[this.connection.kind];
  }

  /** Run `fn` unless a sweep is running, in which case return that one. */
  runExclusive(fn: () => Promise<Sample[]>): Promise<Sample[]> {
    if (this.running) return this.running;
    const p = fn().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /** One sweep under the time-out; never throws (a failed sweep is recorded). */
  async collectOnce(read: Reader): Promise<{ samples: Sample[]; info: SweepInfo }> {
    const timeoutMs =
      this.settings.timeoutMs ??
      Math.min(this.connection.timeouts.operationMs, Math.max(1000, this.settings.intervalMs));
    const r = await this.read(read, { slow: false, fast: true }, timeoutMs, 'collecting');
    this.record(r.info, r.samples);
    return r;
  }

  /** Whether the slow read is due with the sweep about to run (the first, then every Nth). */
  get slowDue(): boolean {
    return this.sweeps % this.settings.slowEvery === 0 && !this.slowRunning;
  }

  /**
   * The slow read (sizes, partitions) under its own time-out, beside the sweeps: one at a time,
   * never failing a sweep. Resolves undefined when one is already running.
   */
  async collectSlow(read: Reader): Promise<{ samples: Sample[]; info: SweepInfo } | undefined> {
    if (this.slowRunning) return undefined;
    this.slowRunning = true;
    try {
      const timeoutMs = this.settings.slowTimeoutMs ?? Math.max(60_000, this.settings.intervalMs);
      const r = await this.read(read, { slow: true, fast: false }, timeoutMs, 'reading sizes of');
      const failing = this.lastSlow !== undefined && !this.lastSlow.ok;
      this.lastSlow = r.info;
      const where = { envId: this.envId, connectionId: this.connection.id };
      if (r.info.error) {
        if (!failing) this.logger.warn({ ...where, ...r.info.error }, 'sizes not read');
      } else {
        if (failing) this.logger.info(where, 'sizes read again');
        this.latestSlow = r.samples;
      }
      return r;
    } finally {
      this.slowRunning = false;
    }
  }

  private async read(
    read: Reader,
    parts: { slow: boolean; fast: boolean },
    timeoutMs: number,
    doing: string,
  ): Promise<{ samples: Sample[]; info: SweepInfo }> {
    const c = this.connection;
    const at = Date.now();
    const t0 = performance.now();
    const skipped: SweepInfo['skipped'] = [];
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new KeelError('TIMEOUT', `${doing} ${c.id} took longer than ${timeoutMs} ms`);
        ac.abort(e);
        reject(e);
      }, timeoutMs);
    });
    let unreachable: unknown;
    const work = read({
      call: { signal: ac.signal, timeoutMs },
      counters: this.counters,
      ...parts,
      skip: (group, reason) => skipped.push({ group, reason }),
      unreachable: (e) => (unreachable ??= e),
    });
    work.catch(() => undefined); // it may fail after the deadline: nobody waits for it then
    let samples: Sample[] = [];
    let error: SweepInfo['error'];
    const errorOf = (e: unknown): NonNullable<SweepInfo['error']> => ({
      code: isKeelError(e) ? e.code : 'INTERNAL',
      message: e instanceof Error ? e.message : String(e),
    });
    try {
      const points = await Promise.race([work, deadline]);
      samples = points.map((p) => ({
        envId: this.envId,
        connectionId: c.id,
        kind: c.kind,
        metric: p.metric,
        value: p.value,
        unit: METRICS[p.metric].unit,
        ...(p.tags && { tags: p.tags }),
        at,
      }));
      if (unreachable !== undefined) error = errorOf(unreachable);
    } catch (e) {
      error = errorOf(e);
    } finally {
      clearTimeout(timer);
    }
    const info: SweepInfo = {
      at,
      durationMs: Math.round((performance.now() - t0) * 100) / 100,
      ok: !error,
      ...(error && { error }),
      skipped,
    };
    return { samples, info };
  }

  view(): ConnectionLatest {
    return {
      connectionId: this.connection.id,
      kind: this.connection.kind,
      intervalMs: this.settings.intervalMs,
      sweeps: this.sweeps,
      failures: this.failures,
      overlapsSkipped: this.overlapsSkipped,
      ...(this.lastSweep && { lastSweep: this.lastSweep }),
      ...(this.lastSlow && { lastSlow: this.lastSlow }),
      samples: [...this.latest, ...this.latestSlow],
    };
  }

  private tick(): void {
    if (this.running) {
      this.overlapsSkipped++;
      return;
    }
    void this.onTick(this).catch((err: unknown) =>
      this.logger.error({ err, connectionId: this.connection.id }, 'monitoring sweep crashed'),
    );
  }

  private record(info: SweepInfo, samples: Sample[]): void {
    const where = { envId: this.envId, connectionId: this.connection.id };
    const wasFailing = this.lastSweep !== undefined && !this.lastSweep.ok;
    this.sweeps++;
    this.lastSweep = info;
    if (info.error) {
      this.failures++;
      if (!wasFailing) this.logger.warn({ ...where, ...info.error }, 'metrics not collected');
      return;
    }
    if (wasFailing) this.logger.info(where, 'metrics collected again');
    this.totalSamples += samples.length;
    this.latest = samples;
    for (const s of info.skipped) {
      if (this.loggedSkips.has(s.group)) continue;
      this.loggedSkips.add(s.group);
      this.logger.info({ ...where, group: s.group, reason: s.reason }, 'metric group skipped');
    }
  }
}

/** The event of one sweep, bounded: when it must be cut, untagged (headline) metrics go first. */
export function samplesEvent(
  c: ConnectionMonitor,
  info: SweepInfo,
  samples: Sample[],
  part?: 'slow',
): SamplesEvent {
  const point = (s: Sample): MetricPoint =>
    s.tags
      ? { metric: s.metric, value: s.value, tags: s.tags }
      : { metric: s.metric, value: s.value };
  const ordered =
    samples.length <= MAX_EVENT_POINTS
      ? samples
      : [...samples.filter((s) => !s.tags), ...samples.filter((s) => s.tags)];
  return {
    envId: c.envId,
    connectionId: c.connection.id,
    kind: c.connection.kind,
    at: info.at,
    durationMs: info.durationMs,
    ...(info.error && { error: info.error }),
    ...(part && { part }),
    points: ordered.slice(0, MAX_EVENT_POINTS).map(point),
    omitted: Math.max(0, samples.length - MAX_EVENT_POINTS),
  };
}
