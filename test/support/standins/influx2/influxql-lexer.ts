/**
 * Tokenizer for the InfluxDB 2 stand-in's InfluxQL subset (test-only). Keywords are matched
 * case-insensitively, identifiers keep their case, and duration literals (1h30m) are one token.
 */

/** Statement keywords InfluxQL knows; anything else is a parse error there as well. */
export const STATEMENTS = [
  'select',
  'delete',
  'show',
  'create',
  'drop',
  'explain',
  'grant',
  'revoke',
  'alter',
  'set',
  'kill',
];

export type Tok = { t: 'ident' | 'kw' | 'str' | 'num' | 'dur' | 'op'; v: string };

const KEYWORDS = new Set(
  'select from where and or group by order limit offset slimit soffset as show databases measurements on fill asc desc tz into'.split(
    ' ',
  ),
);

export function tokenize(q: string): Tok[] {
  const toks: Tok[] = [];
  const re =
    /\s+|--[^\n]*|([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+(?:ns|us|µs|u|µ|ms|s|m|h|d|w)(?:\d+(?:ns|us|µs|u|µ|ms|s|m|h|d|w))*)(?![A-Za-z0-9_])|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(::|!=|<>|<=|>=|=~|!~|[=<>+\-*/,();.])/y;
  let pos = 0;
  while (pos < q.length) {
    re.lastIndex = pos;
    const m = re.exec(q);
    if (!m) throw new Error(`error parsing query: found ${q.slice(pos, pos + 10)}, unexpected`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const lower = m[1].toLowerCase();
      toks.push(KEYWORDS.has(lower) ? { t: 'kw', v: lower } : { t: 'ident', v: m[1] });
    } else if (m[2] !== undefined) toks.push({ t: 'ident', v: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) toks.push({ t: 'str', v: m[3].replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) toks.push({ t: 'dur', v: m[4] });
    else if (m[5] !== undefined) toks.push({ t: 'num', v: m[5] });
    else if (m[6] !== undefined) toks.push({ t: 'op', v: m[6] === '<>' ? '!=' : m[6] });
  }
  return toks;
}
