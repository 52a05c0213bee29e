import type { InfluxQlResult } from '../../stores/influx.store';

/** A JSON number kept as the text the server wrote (int64 fields, nanosecond times). */
export class RawNumber {
  constructor(readonly text: string) {}
}

const MARK = '\u0000#';
const MARK_JSON = '\\u0000#';

/**
 * JSON.parse that keeps every number as its text (a RawNumber): InfluxDB sends int64 fields and
 * nanosecond epochs as JSON numbers, which a double rounds beyond 2^53. Numbers outside strings
 * are turned into marked strings before parsing, and back into RawNumbers by the reviver.
 */
export function parseKeepingNumbers(text: string): unknown {
  let out = '';
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < n && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      i++;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[-+0-9.eE]/.test(text[j] as string)) j++;
      out += `${text.slice(last, i)}"${MARK_JSON}${text.slice(i, j)}"`;
      last = i = j;
      continue;
    }
    i++;
  }
  out += text.slice(last);
  return JSON.parse(out, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(MARK) ? new RawNumber(v.slice(MARK.length)) : v,
  );
}

export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

const escapeName = (s: string): string => s.replace(/[,= \\]/g, '\\$&');
const escapeMeasurement = (s: string): string => s.replace(/[, \\]/g, '\\$&');
const escapeString = (s: string): string => s.replace(/["\\]/g, '\\$&');

function fieldValue(v: unknown, type: FieldType | undefined): string {
  if (v instanceof RawNumber) return type === 'integer' ? `${v.text}i` : v.text;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `"${escapeString(String(v))}"`;
}

/**
 * The line-protocol lines of one `SELECT * … GROUP BY *` result with `epoch=ns`: tags sorted
 * (as InfluxDB stores them), empty tag values left out (InfluxQL shows a missing tag as ""),
 * fields typed by `SHOW FIELD KEYS` (integers get their `i`), null fields left out.
 */
export function* linesOf(
  result: InfluxQlResult,
  fields: Record<string, FieldType>,
): Generator<{ line: string; time: string }> {
  for (const s of result.series ?? []) {
    const tags = Object.entries(s.tags ?? {})
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `,${escapeName(k)}=${escapeName(v)}`)
      .join('');
    const head = `${escapeMeasurement(s.name)}${tags} `;
    const ti = s.columns.indexOf('time');
    for (const row of s.values) {
      const parts: string[] = [];
      for (let i = 0; i < s.columns.length; i++) {
        const v = row[i];
        if (i === ti || v === null || v === undefined) continue;
        const name = s.columns[i] as string;
        parts.push(`${escapeName(name)}=${fieldValue(v, fields[name])}`);
      }
      if (parts.length === 0) continue;
      const time = (row[ti] as RawNumber).text;
      yield { line: `${head}${parts.join(',')} ${time}`, time };
    }
  }
}

/** Nanoseconds since the epoch of a Date (exact: ms × 10⁶). */
export const nsOf = (d: Date): bigint => BigInt(d.getTime()) * 1_000_000n;
