import fc from 'fast-check';
import type { z } from 'zod';

/** Values of every JSON type and a few hostile ones, to swap in for a field. */
const REPLACEMENTS: unknown[] = [
  null,
  -1,
  0,
  1.5,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  'x'.repeat(100_000),
  "'; DROP TABLE tenants; --",
  '../../etc/passwd',
  '`backtick`',
  '租户',
  '\u0000',
  true,
  [],
  [1, 2],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: {} } },
];

/**
 * Payloads derived from a method's valid example: each field (at any depth) removed or replaced by
 * values of other types and hostile strings, unknown keys added, plus random values. Only payloads
 * the schema itself rejects are kept, so every one is bad by the contract's own definition.
 */
export function badPayloads(schema: z.ZodType, example: unknown, randomCount: number): unknown[] {
  const out: unknown[] = [
    null,
    42,
    'text',
    [],
    true,
    [example],
    { ...asObject(example), 'bad key': 1 },
  ];
  for (const path of paths(example)) {
    out.push(setAt(example, path, undefined));
    for (const r of REPLACEMENTS) out.push(setAt(example, path, r));
    out.push(
      setAt(example, path.slice(0, -1), {
        ...asObject(getAt(example, path.slice(0, -1))),
        injected: '1',
      }),
    );
  }
  out.push(
    ...fc.sample(fc.anything({ withObjectString: true, withNullPrototype: true }), randomCount),
  );
  out.push(
    ...fc.sample(
      fc.dictionary(fc.constantFrom(...Object.keys(asObject(example)), 'x'), fc.anything()),
      randomCount,
    ),
  );
  // `undefined` means "no input" on every transport and is read as `{}`: not a bad payload.
  return out.filter((p) => p !== undefined && !schema.safeParse(p).success);
}

const HUGE = 'x'.repeat(10 * 1024 * 1024);
const IDS = [
  '../../etc/passwd',
  "a'; DROP TABLE tenants; --",
  'a`b',
  'a b',
  'a/b',
  '..',
  '',
  'a\u0000b',
  'x'.repeat(300),
];
/**
 * Hand-written hostile values that a field of each kind must refuse, by the field's key. A schema
 * that accepts one fails the test by name (the generated payloads above are bad by the schema's
 * own definition, so they cannot show a schema that is too lenient).
 */
export const HOSTILE_BY_KEY: Record<string, unknown[]> = {
  envId: IDS,
  connectionId: IDS,
  tenantId: IDS,
  id: IDS,
  blueprint: ['/etc/passwd', '../../etc/passwd', 'C:\\Windows\\win.ini', 'a/../../b.yaml'],
  url: ['javascript:alert(1)', 'file:///etc/passwd', 'http://user:pass@example.com/', 'not a url'],
  cron: ['* * * * * * *', 'not cron', '*/0 * * * *', '61 * * * *'],
  tz: ['Mars/Phobos', '../../etc/localtime', ''],
  host: ['a b', 'host;rm -rf /', '', 'h\u0000'],
  confirm: [''],
};

/** Every string field of `example` set to each hostile value of its kind, and to 10 MB. */
export function hostilePayloads(
  example: unknown,
): Array<{ path: string; value: unknown; payload: unknown }> {
  const out: Array<{ path: string; value: unknown; payload: unknown }> = [];
  for (const path of paths(example)) {
    if (typeof getAt(example, path) !== 'string') continue;
    const key = path.at(-1) as string;
    for (const value of [...(HOSTILE_BY_KEY[key] ?? []), HUGE]) {
      out.push({ path: path.join('.'), value, payload: setAt(example, path, value) });
    }
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function paths(v: unknown, prefix: string[] = []): string[][] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([k, child]) => [
    [...prefix, k],
    ...paths(child, [...prefix, k]),
  ]);
}

function getAt(v: unknown, path: string[]): unknown {
  return path.reduce<unknown>((acc, k) => asObject(acc)[k], v);
}

function setAt(v: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = { ...asObject(v) };
  if (rest.length === 0 && value === undefined) delete obj[head];
  else obj[head] = setAt(obj[head], rest, value);
  return obj;
}

/**
 * What a transport actually receives: the payload as JSON text, kept only while the parsed text
 * is still refused by the contract (JSON drops `undefined` fields and turns NaN into null, so
 * `{...valid, x: undefined}` is a valid call once it is on the wire). `undefined` when the
 * payload has no JSON form at all.
 */
export function onTheWire(schema: z.ZodType, payload: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    return undefined; // a cycle or a BigInt: no client can send it
  }
  if (text === undefined) return undefined;
  return schema.safeParse(JSON.parse(text)).success ? undefined : text;
}
