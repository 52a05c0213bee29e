/**
 * Parser for the small InfluxQL subset the InfluxDB 2 stand-in serves (test-only). Anything outside
 * the subset fails loudly with a message naming the stand-in, so a test never passes because the
 * stand-in quietly misread a query real InfluxDB would have answered differently.
 */
import type { Tok } from './influxql-lexer';
import { STATEMENTS, tokenize } from './influxql-lexer';
import { parseDuration, parseRfc3339 } from './time';

export const AGGREGATES = ['count', 'mean', 'sum', 'min', 'max', 'first', 'last'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export type Cast = 'tag' | 'field' | undefined;

export type SelectField =
  | { kind: 'wildcard' }
  | { kind: 'ref'; name: string; cast: Cast; alias?: string }
  | { kind: 'call'; fn: Aggregate; arg: string; alias?: string };

export interface Condition {
  name: string;
  cast: Cast;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: string | number | boolean;
}

export type Fill = 'null' | 'none' | 'previous' | number;

export interface SelectStatement {
  kind: 'select';
  fields: SelectField[];
  db?: string;
  rp?: string;
  measurement: string;
  conditions: Condition[];
  /** Inclusive bounds in ns. */
  timeMin?: bigint;
  timeMax?: bigint;
  interval?: bigint;
  groupTags: string[];
  groupAllTags: boolean;
  fill: Fill;
  descending: boolean;
  limit?: number;
  offset: number;
}

export type Statement =
  { kind: 'showDatabases' } | { kind: 'showMeasurements'; db?: string } | SelectStatement;

/** A query InfluxDB would run but the stand-in does not implement. */
export class Unsupported extends Error {
  constructor(what: string) {
    super(`InfluxDB 2 stand-in: ${what} is not supported by this test stand-in`);
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly now: bigint,
  ) {}

  private peek(offset = 0): Tok | undefined {
    return this.toks[this.i + offset];
  }
  private is(t: Tok['t'], v?: string): boolean {
    const tok = this.peek();
    return tok !== undefined && tok.t === t && (v === undefined || tok.v === v);
  }
  private accept(t: Tok['t'], v?: string): Tok | undefined {
    if (!this.is(t, v)) return undefined;
    this.i++;
    return this.toks[this.i - 1];
  }
  private expect(t: Tok['t'], v?: string): Tok {
    const tok = this.accept(t, v);
    if (tok) return tok;
    const found = this.peek()?.v ?? 'EOF';
    throw new Error(`error parsing query: found ${found}, expected ${v ?? t}`);
  }
  private name(): string {
    return this.expect('ident').v;
  }

  parseStatement(): Statement {
    let stmt: Statement;
    if (this.accept('kw', 'show')) {
      if (this.accept('kw', 'databases')) stmt = { kind: 'showDatabases' };
      else if (this.accept('kw', 'measurements')) {
        stmt = { kind: 'showMeasurements' };
        if (this.accept('kw', 'on')) stmt.db = this.name();
      } else throw new Unsupported(`SHOW ${this.peek()?.v ?? ''}`);
    } else if (this.accept('kw', 'select')) {
      stmt = this.select();
    } else {
      const word = this.peek()?.v ?? 'EOF';
      if (!STATEMENTS.includes(word.toLowerCase())) {
        throw new Error(
          `error parsing query: found ${word}, expected ${STATEMENTS.join(', ').toUpperCase()}`,
        );
      }
      throw new Unsupported(`${word.toUpperCase()} statements`);
    }
    if (this.peek()) throw new Unsupported(`"${this.peek()?.v}" in this position`);
    return stmt;
  }

  private ref(): { name: string; cast: Cast } {
    const name = this.name();
    if (!this.accept('op', '::')) return { name, cast: undefined };
    const cast = this.name().toLowerCase();
    if (cast !== 'tag' && cast !== 'field') throw new Unsupported(`::${cast} casts`);
    return { name, cast };
  }

  private field(): SelectField {
    if (this.accept('op', '*')) return { kind: 'wildcard' };
    let f: SelectField;
    if (this.is('ident') && this.peek(1)?.v === '(') {
      const fn = this.name().toLowerCase();
      if (!(AGGREGATES as readonly string[]).includes(fn)) throw new Unsupported(`${fn}()`);
      this.expect('op', '(');
      if (this.is('op', '*')) throw new Unsupported(`${fn}(*)`);
      const arg = this.name();
      this.expect('op', ')');
      f = { kind: 'call', fn: fn as Aggregate, arg };
    } else {
      f = { kind: 'ref', ...this.ref() };
    }
    if (this.is('op') && !this.is('op', ',')) throw new Unsupported('math in SELECT');
    if (this.accept('kw', 'as')) f.alias = this.name();
    return f;
  }

  private select(): SelectStatement {
    const fields: SelectField[] = [this.field()];
    while (this.accept('op', ',')) fields.push(this.field());
    if (this.is('kw', 'into')) throw new Unsupported('SELECT INTO');
    this.expect('kw', 'from');
    if (this.is('op', '/')) throw new Unsupported('regex measurement');
    const parts = [this.name()];
    while (this.accept('op', '.')) parts.push(this.is('op', '.') ? '' : this.name());
    if (this.is('op', ',')) throw new Unsupported('multiple measurements in FROM');
    const stmt: SelectStatement = {
      kind: 'select',
      fields,
      measurement: parts[parts.length - 1] ?? '',
      conditions: [],
      groupTags: [],
      groupAllTags: false,
      fill: 'null',
      descending: false,
      offset: 0,
    };
    if (parts.length === 3) stmt.db = parts[0];
    if (parts.length >= 2 && parts[parts.length - 2]) stmt.rp = parts[parts.length - 2];
    if (this.accept('kw', 'where')) this.where(stmt);
    if (this.accept('kw', 'group')) this.groupBy(stmt);
    if (this.is('kw', 'fill')) this.fill(stmt);
    if (this.accept('kw', 'order')) {
      this.expect('kw', 'by');
      if (this.name() !== 'time') throw new Unsupported('ORDER BY other than time');
      if (this.accept('kw', 'desc')) stmt.descending = true;
      else this.accept('kw', 'asc');
    }
    // LIMIT 0 means "no limit" in InfluxQL.
    if (this.accept('kw', 'limit')) stmt.limit = Number(this.expect('num').v) || undefined;
    if (this.accept('kw', 'offset')) stmt.offset = Number(this.expect('num').v);
    if (this.is('kw', 'slimit') || this.is('kw', 'soffset') || this.is('kw', 'tz')) {
      throw new Unsupported(this.peek()?.v.toUpperCase() ?? '');
    }
    return stmt;
  }

  private where(stmt: SelectStatement): void {
    do {
      if (this.is('op', '(')) throw new Unsupported('parentheses in WHERE');
      const { name, cast } = this.ref();
      const opTok = this.expect('op');
      if (opTok.v === '=~' || opTok.v === '!~') throw new Unsupported('regex conditions');
      if (!['=', '!=', '<', '<=', '>', '>='].includes(opTok.v)) {
        throw new Error(`error parsing query: found ${opTok.v}, expected comparison operator`);
      }
      const op = opTok.v as Condition['op'];
      if (name === 'time' && cast === undefined) {
        const t = this.timeExpr();
        if (op === '!=') throw new Unsupported('time != …');
        const lo = op === '>' ? t + 1n : t;
        const hi = op === '<' ? t - 1n : t;
        if (op !== '<' && op !== '<=') stmt.timeMin = maxOf(stmt.timeMin, lo);
        if (op !== '>' && op !== '>=') stmt.timeMax = minOf(stmt.timeMax, hi);
      } else {
        stmt.conditions.push({ name, cast, op, value: this.literal() });
      }
    } while (this.accept('kw', 'and'));
    if (this.is('kw', 'or')) throw new Unsupported('OR in WHERE');
  }

  private literal(): string | number | boolean {
    const str = this.accept('str');
    if (str) return str.v;
    const neg = this.accept('op', '-') !== undefined;
    const num = this.accept('num');
    if (num) return neg ? -Number(num.v) : Number(num.v);
    const word = this.name().toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
    throw new Unsupported(`comparing with identifier ${word}`);
  }

  private timeAtom(): bigint {
    if (this.is('ident') && this.peek()?.v.toLowerCase() === 'now') {
      this.i++;
      this.expect('op', '(');
      this.expect('op', ')');
      return this.now;
    }
    const str = this.accept('str');
    if (str) {
      const t = parseRfc3339(str.v);
      if (t === undefined)
        throw new Error(`invalid operation: time and *influxql.StringLiteral are not compatible`);
      return t;
    }
    const dur = this.accept('dur');
    if (dur) return parseDuration(dur.v) ?? 0n;
    const num = this.expect('num');
    if (!/^\d+$/.test(num.v)) throw new Unsupported('fractional time literals');
    return BigInt(num.v);
  }

  private timeExpr(): bigint {
    let t = this.timeAtom();
    while (this.is('op', '+') || this.is('op', '-')) {
      const sign = this.expect('op').v === '-' ? -1n : 1n;
      const d = this.expect('dur');
      t += sign * (parseDuration(d.v) ?? 0n);
    }
    return t;
  }

  private groupBy(stmt: SelectStatement): void {
    this.expect('kw', 'by');
    do {
      if (this.accept('op', '*')) stmt.groupAllTags = true;
      else if (this.is('ident', 'time') && this.peek(1)?.v === '(') {
        this.i += 2;
        const d = parseDuration(this.expect('dur').v) ?? 0n;
        if (this.is('op', ',')) throw new Unsupported('GROUP BY time() offsets');
        this.expect('op', ')');
        if (d <= 0n) throw new Error('time dimension must have duration');
        stmt.interval = d;
      } else if (this.is('op', '/')) throw new Unsupported('GROUP BY regex');
      else stmt.groupTags.push(this.ref().name);
    } while (this.accept('op', ','));
  }

  private fill(stmt: SelectStatement): void {
    this.i++;
    this.expect('op', '(');
    const neg = this.accept('op', '-') !== undefined;
    const num = this.accept('num');
    if (num) stmt.fill = neg ? -Number(num.v) : Number(num.v);
    else {
      const opt = this.name().toLowerCase();
      if (opt !== 'null' && opt !== 'none' && opt !== 'previous')
        throw new Unsupported(`fill(${opt})`);
      stmt.fill = opt;
    }
    this.expect('op', ')');
  }
}

function maxOf(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b > a ? b : a;
}
function minOf(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b < a ? b : a;
}

/** Splits a query on `;` (outside quotes) and parses each statement; errors are per statement. */
export function parseQuery(q: string, now: bigint): Array<Statement | Error> {
  const toks = tokenize(q);
  const groups: Tok[][] = [[]];
  for (const tok of toks) {
    if (tok.t === 'op' && tok.v === ';') groups.push([]);
    else groups[groups.length - 1]?.push(tok);
  }
  return groups
    .filter((g) => g.length > 0)
    .map((g) => {
      try {
        return new Parser(g, now).parseStatement();
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
}
