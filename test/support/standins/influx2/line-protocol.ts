/**
 * Line protocol parser for the InfluxDB 2 stand-in (test-only). It follows the rules InfluxDB's own
 * parser applies, so a client bug that real InfluxDB would reject (bad escaping, a missing `i` on
 * an integer, an unquoted string) is rejected here too instead of passing silently.
 */
import type { FieldType, ParsedPoint, TypedValue } from './store';

const INT64_MAX = 9_223_372_036_854_775_807n;
const UINT64_MAX = 18_446_744_073_709_551_615n;
const PRECISION_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
};

export function precisionNs(precision: string): bigint | undefined {
  return PRECISION_NS[precision];
}

class ParseError extends Error {}

/** Finds where the current line ends: a newline outside a quoted string field value. */
function lineEnd(text: string, start: number): number {
  let section = 0; // 0: measurement+tags, 1: fields, 2: timestamp
  let quoted = false;
  let afterSpace = true; // leading blanks and runs of spaces are one separator, not several
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    const space: boolean = c === ' ' || (afterSpace && (c === '\t' || c === '\r'));
    if (c === '\\') {
      i++;
    } else if (quoted) {
      if (c === '"') quoted = false;
    } else if (c === '\n') {
      return i;
    } else if (space && !afterSpace && section < 2) {
      section++;
    } else if (c === '"' && section === 1) {
      quoted = true;
    }
    afterSpace = space && !quoted;
  }
  return text.length;
}

/** Reads up to (not including) the first unescaped char in `stops`, unescaping `escapable`. */
function readToken(line: string, pos: number, stops: string, escapable: string): [string, number] {
  let out = '';
  let i = pos;
  while (i < line.length) {
    const c = line[i] ?? '';
    if (c === '\\' && i + 1 < line.length && escapable.includes(line[i + 1] ?? '')) {
      out += line[i + 1];
      i += 2;
      continue;
    }
    if (stops.includes(c)) break;
    out += c;
    i++;
  }
  return [out, i];
}

function parseFieldValue(raw: string): TypedValue {
  if (raw === '') throw new ParseError('missing field value');
  const typed = (type: FieldType, value: TypedValue['value']): TypedValue => ({ type, value });
  // Messages below are InfluxDB's (Go's strconv wording included) so assertions carry over.
  if (/^-?\d+i$/.test(raw)) {
    const digits = raw.slice(0, -1);
    const v = BigInt(digits);
    if (v > INT64_MAX || v < -INT64_MAX - 1n) {
      throw new ParseError(
        `unable to parse integer ${digits}: strconv.ParseInt: parsing "${digits}": value out of range`,
      );
    }
    return typed('integer', v);
  }
  if (/^\d+u$/.test(raw)) {
    const digits = raw.slice(0, -1);
    const v = BigInt(digits);
    if (v > UINT64_MAX) {
      throw new ParseError(
        `unable to parse unsigned ${digits}: strconv.ParseUint: parsing "${digits}": value out of range`,
      );
    }
    return typed('unsigned', v);
  }
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new ParseError('invalid float');
    return typed('float', v);
  }
  if (['t', 'T', 'true', 'True', 'TRUE'].includes(raw)) return typed('boolean', true);
  if (['f', 'F', 'false', 'False', 'FALSE'].includes(raw)) return typed('boolean', false);
  if (/^-?(\d+\.?\d*|\.\d+)[eE][+-]?$/.test(raw)) throw new ParseError('invalid float');
  throw new ParseError(/^(-|\.|\d|NaN)/.test(raw) ? 'invalid number' : 'invalid boolean');
}

function readString(line: string, pos: number): [string, number] {
  // pos is just past the opening quote; only \" and \\ are escapes inside a string field.
  let out = '';
  for (let i = pos; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      out += line[i + 1];
      i++;
    } else if (c === '"') {
      return [out, i + 1];
    } else {
      out += c;
    }
  }
  throw new ParseError('unbalanced quotes');
}

function parseLine(line: string, scale: bigint, defaultTime: bigint): ParsedPoint {
  const [measurement, start] = readToken(line, 0, ', ', ', ');
  let pos = start;
  if (measurement === '') throw new ParseError('missing measurement');
  const tags: Record<string, string> = {};
  while (line[pos] === ',') {
    let key: string;
    let value: string;
    [key, pos] = readToken(line, pos + 1, '=, ', ',= ');
    if (key === '') throw new ParseError('missing tag key');
    if (line[pos] !== '=') throw new ParseError('missing tag value');
    [value, pos] = readToken(line, pos + 1, ', ', ',= ');
    if (value === '') throw new ParseError('missing tag value');
    if (key in tags) throw new ParseError('duplicate tags');
    tags[key] = value;
  }
  if (line[pos] !== ' ') throw new ParseError('missing fields');
  while (line[pos] === ' ') pos++;
  const fields: Record<string, TypedValue> = {};
  for (;;) {
    let key: string;
    [key, pos] = readToken(line, pos, '=, ', ',= ');
    if (line[pos] !== '=') throw new ParseError('invalid field format');
    if (key === '') throw new ParseError('missing field key');
    pos++;
    if (line[pos] === '"') {
      let s: string;
      [s, pos] = readString(line, pos + 1);
      fields[key] = { type: 'string', value: s };
    } else {
      let raw: string;
      [raw, pos] = readToken(line, pos, ', ', '');
      fields[key] = parseFieldValue(raw);
    }
    if (line[pos] !== ',') break;
    pos++;
  }
  if (pos < line.length && line[pos] !== ' ') throw new ParseError('invalid field format');
  while (line[pos] === ' ') pos++;
  const [rest = '', ...extra] = line.slice(pos).split(' ');
  if (extra.some((x) => x !== '')) throw new ParseError('point is invalid');
  if (rest === '') return { measurement, tags, fields, time: defaultTime };
  if (!/^-?\d+$/.test(rest)) throw new ParseError('bad timestamp');
  const time = BigInt(rest) * scale;
  if (time > INT64_MAX - 1n || time < -INT64_MAX + 1n) throw new ParseError('time outside range');
  return { measurement, tags, fields, time };
}

/**
 * Parses a whole write body. Blank lines and `#` comments are skipped; every malformed line is
 * reported and, as in InfluxDB 2, a single malformed line means nothing from the body is written.
 */
export function parseLineProtocol(
  body: string,
  precision: string,
  now: bigint,
): { points: ParsedPoint[]; errors: string[] } {
  const scale = PRECISION_NS[precision] ?? 1n;
  const points: ParsedPoint[] = [];
  const errors: string[] = [];
  let pos = 0;
  while (pos < body.length) {
    const end = lineEnd(body, pos);
    // InfluxDB trims leading blanks only: a CRLF line ending leaves "\r" in the timestamp.
    const line = body.slice(pos, end).replace(/^[ \t\r]+/, '');
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    try {
      points.push(parseLine(line, scale, now));
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      errors.push(`unable to parse '${line}': ${err.message}`);
    }
  }
  return { points, errors };
}
