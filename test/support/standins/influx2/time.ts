/**
 * Time and value helpers for the InfluxDB 2 stand-in (test-only). Times are int64 nanoseconds held
 * as bigint throughout, because a JS number cannot represent current epoch nanoseconds exactly.
 */

const NS_PER: Record<string, bigint> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** Nanoseconds per unit of an `epoch=` query parameter (v1 spelling: n, ns, u, µ, ms, s, m, h). */
export function epochUnitNs(epoch: string): bigint | undefined {
  return epoch === 'n' ? 1n : epoch === 'd' || epoch === 'w' ? undefined : NS_PER[epoch];
}

/** Parses an InfluxQL duration literal such as `1h`, `90s` or `1h30m`; undefined if it is not one. */
export function parseDuration(text: string): bigint | undefined {
  const re = /(\d+)(ns|us|µs|u|µ|ms|s|m|h|d|w)/y;
  let total = 0n;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    const unit = m[2] === 'µs' ? 'us' : (m[2] ?? '');
    total += BigInt(m[1] ?? '0') * (NS_PER[unit] ?? 0n);
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** Formats a duration the way Go's time.Duration prints whole hours/minutes/seconds (1h0m0s). */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

// Wall clock at load plus the monotonic clock since, so now() has nanosecond resolution like
// InfluxDB's instead of Date.now()'s milliseconds.
const clockBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function nowNs(): bigint {
  return clockBase + process.hrtime.bigint();
}

/** Floor division: BigInt `/` truncates towards zero, which is wrong for pre-1970 times. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses the time string literals InfluxQL accepts (RFC3339, optionally date-only). */
export function parseRfc3339(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const offMin = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * offMin * 60_000_000_000n;
  }
  return ns;
}

/** RFC3339 with nanoseconds and trailing zeros trimmed, as Go's time.RFC3339Nano prints it. */
export function formatRfc3339Nano(ns: bigint): string {
  const ms = floorDiv(ns, 1_000_000n);
  const frac = ns - floorDiv(ns, 1_000_000_000n) * 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const digits = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${digits ? `.${digits}` : ''}Z`;
}

/**
 * JSON that keeps int64 values exact: bigint is written as a bare number, which is what InfluxDB
 * (Go) sends for integer fields and epoch timestamps. JSON.stringify would throw on bigint.
 */
export function toJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
}
