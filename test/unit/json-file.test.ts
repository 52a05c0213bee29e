import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFile } from '../../electron/main/lib/json-file';

const schema = z.object({ version: z.literal(1), items: z.array(z.int()) });

describe('JsonFile', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'keel-json-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const make = (onInvalid?: (p: string, r: string) => void) =>
    new JsonFile(
      join(dir, 'state.json'),
      schema,
      () => ({ version: 1 as const, items: [] }),
      onInvalid,
    );

  it('writes atomically with mode 0600 and leaves no temp files', async () => {
    const f = make();
    await f.update((s) => ({ ...s, items: [1, 2] }));
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toEqual({
      version: 1,
      items: [1, 2],
    });
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('serialises concurrent updates: none is lost', async () => {
    const f = make();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => f.update((s) => ({ ...s, items: [...s.items, i] }))),
    );
    const items = (await make().read()).items;
    expect(items.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses to write a value that fails the schema and keeps the old file', async () => {
    const f = make();
    await f.update((s) => ({ ...s, items: [7] }));
    await expect(f.update(() => ({ version: 1, items: ['x'] }) as never)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).items).toEqual([7]);
  });

  it('sets an invalid file aside instead of overwriting it, and reports it', async () => {
    await writeFile(join(dir, 'state.json'), '{"version":2}');
    const reports: string[] = [];
    const value = await make((p, r) => reports.push(`${p}: ${r}`)).read();
    expect(value).toEqual({ version: 1, items: [] });
    expect(reports).toHaveLength(1);
    const files = await readdir(dir);
    expect(files.some((n) => n.startsWith('state.json.invalid-'))).toBe(true);
  });
});
