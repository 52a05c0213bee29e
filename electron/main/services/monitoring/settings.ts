/** How monitoring runs. Every field has a default; `createCore({ monitoring })` overrides them. */
export interface MonitoringSettings {
  /** Sweep interval per connection. */
  intervalMs: number;
  /**
   * Time-out of one sweep. Default: the connection's operation time-out, capped at the interval
   * (at least 1 s), so a hung server costs one skipped tick, not a pile of sweeps.
   */
  timeoutMs?: number;
  /**
   * Sizes and partitions are read every Nth sweep (they cost the server more), beside the sweep
   * and not inside it: their time never delays a sweep, and their failure is not the store's.
   */
  slowEvery: number;
  /** Time-out of one slow read (default: 60 s, and never less than the sweep interval). */
  slowTimeoutMs?: number;
  /** Minutes of every series kept in memory (live charts; the only history without InfluxDB). */
  windowMinutes: number;
  /** Minutes of samples the InfluxDB buffer holds at the current rate while InfluxDB is away. */
  bufferMinutes: number;
  /** The buffer never holds fewer samples than this. */
  minBufferSamples: number;
  /** A fixed buffer bound in samples instead of one sized from bufferMinutes. */
  bufferSamples?: number;
  /** Lines per InfluxDB write. */
  batchSize: number;
  /** Longest a sample waits before it is written. */
  flushMs: number;
  /** Concurrent InfluxDB writes. */
  maxInFlight: number;
}

export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = {
  intervalMs: 10_000,
  slowEvery: 10,
  windowMinutes: 15,
  // Twice the 10 minutes the buffer must cover, as headroom for slow sweeps (sizes, partitions).
  bufferMinutes: 20,
  minBufferSamples: 50_000,
  batchSize: 5000,
  flushMs: 1000,
  maxInFlight: 2,
};

/** KEEL_MONITOR_* variables (server mode, agent, tests) over the defaults. */
export function monitoringSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<MonitoringSettings> {
  const out: Partial<MonitoringSettings> = {};
  const num = (name: string): number | undefined => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const interval = num('KEEL_MONITOR_INTERVAL_MS');
  if (interval !== undefined) out.intervalMs = Math.max(500, interval);
  const minutes = num('KEEL_MONITOR_BUFFER_MINUTES');
  if (minutes !== undefined) out.bufferMinutes = minutes;
  const samples = num('KEEL_MONITOR_BUFFER_SAMPLES');
  if (samples !== undefined) out.bufferSamples = Math.floor(samples);
  return out;
}
