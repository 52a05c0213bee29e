import type { Sample } from '../../../../shared/monitoring';

/**
 * InfluxDB line protocol: `measurement,tag=v field=1.5 <ns>`.
 *
 * Measurements escape comma and space; tag keys, tag values and field keys also escape `=`;
 * string field values are double-quoted with `"` and `\` escaped. Newlines cannot be carried at
 * all and become spaces. InfluxDB 1.x keeps a backslash in a name literally unless it precedes an
 * escaped character or ends the name — those two cannot be written unambiguously (1.x stores
 * `\\` as two backslashes and refuses a trailing one), so such a backslash is written as `/`.
 */
const NEEDS_WORK = /[,= \\\r\n]/;

function escapeName(s: string, special: string, escapeRe: RegExp): string {
  if (!NEEDS_WORK.test(s)) return s;
  let out = s.replace(/[\r\n]/g, ' ');
  if (out.includes('\\')) {
    // A run of backslashes ending the name or before a character that gets escaped: all `/`.
    out = out.replace(/\\+/g, (run: string, offset: number, whole: string) => {
      const next = whole[offset + run.length];
      return next === undefined || special.includes(next) ? '/'.repeat(run.length) : run;
    });
  }
  return out.replace(escapeRe, (c) => `\\${c}`);
}

export const escapeMeasurement = (s: string): string => escapeName(s, ', ', /[, ]/g);

/** Tag keys, tag values and field keys. */
export const escapeKey = (s: string): string => escapeName(s, ',= ', /[,= ]/g);
export const escapeTagValue = escapeKey;

/** A string field value, quoted. */
export const quoteStringField = (s: string): string =>
  `"${s.replace(/[\r\n]/g, ' ').replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export type FieldValue = number | string | boolean;

function fieldValue(v: FieldValue): string | undefined {
  if (typeof v === 'string') return quoteStringField(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Floats always (no `i` suffix): a field's type is fixed by its first write.
  return Number.isFinite(v) ? String(v) : undefined;
}

/**
 * One point. Tags are sorted by key (what InfluxDB does itself, cheaper for it); empty tag values
 * are left out (line protocol has no empty tag). Returns undefined when no field can be written
 * (NaN or infinite numbers only).
 */
export function toLine(
  measurement: string,
  tags: Record<string, string | undefined>,
  fields: Record<string, FieldValue>,
  timeNs: string,
): string | undefined {
  let line = escapeMeasurement(measurement);
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k];
    if (v) line += `,${escapeKey(k)}=${escapeTagValue(v)}`;
  }
  let sep = ' ';
  for (const [k, v] of Object.entries(fields)) {
    const text = fieldValue(v);
    if (text === undefined) continue;
    line += `${sep}${escapeKey(k)}=${text}`;
    sep = ',';
  }
  return sep === ' ' ? undefined : `${line} ${timeNs}`;
}

/** The measurement of a metric: prefixed, so Keel's series never mix with the platform's own. */
export const measurementOf = (metric: string): string => `keel.${metric}`;

/** Tag keys Keel puts on every sample. */
export const BASE_TAGS = { env: 'env', conn: 'conn', kind: 'kind' } as const;

/**
 * The part of a line before the value for samples without metric tags, cached by environment,
 * connection and metric (nested maps: no key string per sample): every sweep writes the same few
 * hundred series, and building their prefixes would be most of the writer's CPU.
 */
type PrefixCache = Map<string, Map<string, Map<string, string>>>;
let prefixes: PrefixCache = new Map();
let cachedPrefixes = 0;
const MAX_PREFIXES = 50_000;

function prefixOf(s: Sample): string {
  let byConn = prefixes.get(s.envId);
  if (!byConn) prefixes.set(s.envId, (byConn = new Map()));
  let byMetric = byConn.get(s.connectionId);
  if (!byMetric) byConn.set(s.connectionId, (byMetric = new Map()));
  let prefix = byMetric.get(s.metric);
  if (prefix === undefined) {
    if (++cachedPrefixes > MAX_PREFIXES) {
      prefixes = new Map();
      cachedPrefixes = 0;
    }
    prefix = seriesKey(s.metric, { conn: s.connectionId, env: s.envId, kind: s.kind });
    byMetric.set(s.metric, prefix);
  }
  return prefix;
}

/** The timestamp part of the last sample's time: a sweep's samples share it. */
let lastAt = -1;
let lastTime = '';

/**
 * A sample as a line: measurement `keel.<metric>`, tags `env`, `conn`, `kind` plus the metric's
 * own, one float field `value`, nanosecond timestamp from the sample's epoch ms.
 */
export function sampleLine(s: Sample): string | undefined {
  if (!Number.isFinite(s.value)) return undefined;
  if (s.at !== lastAt) {
    lastAt = s.at;
    lastTime = `${s.at}000000`;
  }
  if (s.tags === undefined) return `${prefixOf(s)} value=${s.value} ${lastTime}`;
  const tags = { conn: s.connectionId, env: s.envId, kind: s.kind, ...s.tags };
  return `${seriesKey(s.metric, tags)} value=${s.value} ${lastTime}`;
}

function seriesKey(metric: string, tags: Record<string, string | undefined>): string {
  let out = escapeMeasurement(measurementOf(metric));
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k];
    if (v) out += `,${escapeKey(k)}=${escapeTagValue(v)}`;
  }
  return out;
}
