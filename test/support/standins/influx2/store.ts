/**
 * In-memory buckets and points for the InfluxDB 2 stand-in (test-only). Data lives in the process
 * that started the stand-in, so restart() keeps it and nothing ever touches the disk.
 */
import { randomBytes } from 'node:crypto';
import { formatGoDuration } from './time';

export type FieldType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean';
/** float → number, integer/unsigned → bigint (exact int64/uint64), string, boolean. */
export type FieldValue = number | bigint | string | boolean;
export interface TypedValue {
  type: FieldType;
  value: FieldValue;
}

export interface ParsedPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, TypedValue>;
  time: bigint;
}

export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  fieldTypes: Record<string, FieldType>;
  /** Nanoseconds since the epoch. */
  time: bigint;
}

export interface Series {
  key: string;
  measurement: string;
  tags: Record<string, string>;
  /** time → fields; a second write at the same series+time merges fields, as InfluxDB does. */
  rows: Map<bigint, Record<string, TypedValue>>;
}

export interface Bucket {
  id: string;
  orgID: string;
  name: string;
  type: 'user' | 'system';
  description: string;
  /** 0 means infinite retention. */
  everySeconds: number;
  createdAt: string;
  updatedAt: string;
  series: Map<string, Series>;
  /** measurement → field → type; InfluxDB rejects a field whose type changes within a shard. */
  schema: Map<string, Map<string, FieldType>>;
}

/** InfluxDB 2 IDs are 16 lowercase hex digits. */
export function newId(): string {
  let id = randomBytes(8).toString('hex');
  if (id.startsWith('0')) id = `1${id.slice(1)}`;
  return id;
}

export function isValidId(id: string): boolean {
  return /^[0-9a-f]{16}$/.test(id) && id !== '0000000000000000';
}

/** The shard group duration InfluxDB 2 picks for a retention period (1h, 1d or 7d). */
export function shardGroupSeconds(everySeconds: number): number {
  if (everySeconds === 0 || everySeconds > 180 * 86_400) return 604_800;
  return everySeconds < 2 * 86_400 ? 3_600 : 86_400;
}

export function newBucket(
  orgID: string,
  name: string,
  everySeconds: number,
  type: Bucket['type'] = 'user',
  description = '',
): Bucket {
  const now = new Date().toISOString();
  return {
    id: newId(),
    orgID,
    name,
    type,
    description,
    everySeconds,
    createdAt: now,
    updatedAt: now,
    series: new Map(),
    schema: new Map(),
  };
}

/** The JSON InfluxDB 2.7 returns for a bucket (GET/POST/PATCH /api/v2/buckets). */
export function bucketJson(b: Bucket): Record<string, unknown> {
  return {
    id: b.id,
    orgID: b.orgID,
    type: b.type,
    ...(b.description ? { description: b.description } : {}),
    name: b.name,
    retentionRules: [
      {
        type: 'expire',
        everySeconds: b.everySeconds,
        shardGroupDurationSeconds: shardGroupSeconds(b.everySeconds),
      },
    ],
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    links: {
      labels: `/api/v2/buckets/${b.id}/labels`,
      members: `/api/v2/buckets/${b.id}/members`,
      org: `/api/v2/orgs/${b.orgID}`,
      owners: `/api/v2/buckets/${b.id}/owners`,
      self: `/api/v2/buckets/${b.id}`,
      write: `/api/v2/write?org=${b.orgID}&bucket=${b.id}`,
    },
    labels: [],
  };
}

/** Canonical series key: measurement plus tags sorted by key, like InfluxDB's own series key. */
export function seriesKey(measurement: string, tags: Record<string, string>): string {
  const parts = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k] ?? ''}`);
  return [measurement, ...parts].join('\u0000');
}

/**
 * Writes parsed points. Like InfluxDB 2, points that break the retention window or the field
 * types already in the bucket are dropped individually and reported; the rest are written.
 */
export function writePoints(b: Bucket, points: ParsedPoint[], now: bigint): string | undefined {
  const lowerBound = b.everySeconds > 0 ? now - BigInt(b.everySeconds) * 1_000_000_000n : undefined;
  let beyondRetention = 0;
  const conflicts: string[] = [];
  for (const p of points) {
    if (lowerBound !== undefined && p.time < lowerBound) {
      beyondRetention++;
      continue;
    }
    const schema = b.schema.get(p.measurement) ?? new Map<string, FieldType>();
    const conflict = Object.entries(p.fields).find(([k, v]) => {
      const known = schema.get(k);
      return known !== undefined && known !== v.type;
    });
    if (conflict) {
      const [k, v] = conflict;
      conflicts.push(
        `field type conflict: input field "${k}" on measurement "${p.measurement}" is type ${v.type}, already exists as type ${schema.get(k)}`,
      );
      continue;
    }
    for (const [k, v] of Object.entries(p.fields)) schema.set(k, v.type);
    b.schema.set(p.measurement, schema);
    const key = seriesKey(p.measurement, p.tags);
    let series = b.series.get(key);
    if (!series) {
      series = { key, measurement: p.measurement, tags: { ...p.tags }, rows: new Map() };
      b.series.set(key, series);
    }
    series.rows.set(p.time, { ...series.rows.get(p.time), ...p.fields });
  }
  const dropped = beyondRetention + conflicts.length;
  if (dropped === 0) return undefined;
  const reasons = [
    ...(conflicts[0] ? [conflicts[0]] : []),
    ...(beyondRetention > 0
      ? [
          `dropped ${beyondRetention} points outside retention policy of duration ${formatGoDuration(b.everySeconds)}`,
        ]
      : []),
  ];
  return `failure writing points to database: partial write: ${reasons.join('; ')} dropped=${dropped}`;
}

/** Every stored point of a bucket, oldest first; a copy, so tests may inspect it freely. */
export function listPoints(b: Bucket): StoredPoint[] {
  const out: StoredPoint[] = [];
  for (const s of b.series.values()) {
    for (const [time, fields] of s.rows) {
      const plain: Record<string, FieldValue> = {};
      const types: Record<string, FieldType> = {};
      for (const [k, v] of Object.entries(fields)) {
        plain[k] = v.value;
        types[k] = v.type;
      }
      out.push({
        measurement: s.measurement,
        tags: { ...s.tags },
        fields: plain,
        fieldTypes: types,
        time,
      });
    }
  }
  return out.sort((a, z) => (a.time < z.time ? -1 : a.time > z.time ? 1 : 0));
}
