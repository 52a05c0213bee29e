import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { CallContext } from '../../electron/main/router/router';
import { environmentFromVars } from '../../electron/main/services/environments/env-vars';
import { BlueprintLoader, findBlueprintDir } from '../../electron/main/services/tenants/blueprints';

const ctx: CallContext = {
  shell: 'server',
  actor: { type: 'user', name: 'test' },
  signal: new AbortController().signal,
};
/** A line of a file outside the blueprint folders that must never come back in any answer. */
const SECRET_LINE = 'db_password: Outside-Secret-9931';

let root: string;
let outside: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keel-bp-'));
  outside = join(root, 'outside.yaml');
  // Shaped so that a YAML error quotes it: a nested mapping in a compact one, on its line.
  await writeFile(outside, `${SECRET_LINE}: x\n`);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const errorOf = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('BlueprintLoader reads only bundled or state-directory blueprints', () => {
  it.each(['/etc/hostname', '../default', 'x/../../etc', 'default.yaml', '', 'C:\\x'])(
    'refuses %j without touching the file system',
    async (name) => {
      const custom = join(root, 'custom-a');
      const err = await errorOf(new BlueprintLoader({ custom }).load(name));
      expect(err.code).toBe('VALIDATION');
    },
  );

  it('answers an existing and a missing path alike (no probe of the file system)', async () => {
    const loader = new BlueprintLoader({ custom: join(root, 'custom-b') });
    const a = await errorOf(loader.load(outside));
    const b = await errorOf(loader.load(join(root, 'missing.yaml')));
    expect(a.code).toBe(b.code);
    expect(a.message).not.toContain('Outside-Secret');
  });

  it('loads the bundled default and a blueprint from the state directory', async () => {
    const custom = join(root, 'custom-c');
    await mkdir(custom);
    await copyFile(join(findBlueprintDir(), 'default.yaml'), join(custom, 'mine.yaml'));
    const loader = new BlueprintLoader({ custom });
    expect((await loader.load('default')).blueprint.name).toBeTruthy();
    expect((await loader.load('mine')).source).toBe(join(custom, 'mine.yaml'));
    expect((await errorOf(loader.load('nope'))).code).toBe('NOT_FOUND');
  });

  it('refuses a link that leads out of the blueprints folder', async () => {
    const custom = join(root, 'custom-d');
    await mkdir(custom);
    await symlink(outside, join(custom, 'escape.yaml'));
    const err = await errorOf(new BlueprintLoader({ custom }).load('escape'));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).not.toContain('Outside-Secret');
  });

  it('reports a YAML error by line and column, never with the text of the file', async () => {
    const custom = join(root, 'custom-e');
    await mkdir(custom);
    await copyFile(outside, join(custom, 'broken.yaml'));
    const err = await errorOf(new BlueprintLoader({ custom }).load('broken'));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/line 1/);
    expect(err.message).not.toContain('Outside-Secret');
  });
});

describe('the contract accepts blueprint names, not paths', () => {
  let dir: string;
  let core: Core;
  const call = async (method: string, input: unknown) => {
    const r = await core.router.dispatch(method, input, ctx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-bp-core-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 5)),
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['<the outside file>', '../../etc/passwd', 'a/b'])(
    'environments.save refuses blueprint %j',
    async (given) => {
      const blueprint = given === '<the outside file>' ? outside : given;
      const err = await errorOf(call('environments.save', { id: 'evil', name: 'Evil', blueprint }));
      expect(err.code).toBe('VALIDATION');
      expect(await call('environments.list', {})).toEqual([]);
    },
  );

  it('environments.importYaml refuses a blueprint path', async () => {
    const yaml = `keel: environment/v1\nid: evil\nname: Evil\nblueprint: ${outside}\nconnections: []\n`;
    const err = await errorOf(call('environments.importYaml', { yaml, replace: true }));
    expect(err.code).toBe('VALIDATION');
    expect(await call('environments.list', {})).toEqual([]);
  });

  it('uses a blueprint from <state>/blueprints by name, and never echoes its text', async () => {
    await mkdir(join(dir, 'blueprints'), { recursive: true });
    await copyFile(outside, join(dir, 'blueprints', 'broken.yaml'));
    await call('environments.save', { id: 'mine', name: 'Mine', blueprint: 'broken' });
    const err = await errorOf(call('tenants.blueprint', { envId: 'mine' }));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).not.toContain('Outside-Secret');

    await copyFile(join(findBlueprintDir(), 'default.yaml'), join(dir, 'blueprints', 'good.yaml'));
    await call('environments.save', { id: 'mine', name: 'Mine', blueprint: 'good' });
    // Loaded: what stops it now is the missing catalog connection, not the blueprint.
    const next = await errorOf(call('tenants.blueprint', { envId: 'mine' }));
    expect(next.code).toBe('PRECONDITION_FAILED');
    await call('environments.remove', { envId: 'mine', confirm: 'mine' });
  });
});

describe('an old profile holding a blueprint path', () => {
  /** tenants.blueprint's refusal in a fresh core whose environments.json names `blueprint`. */
  const refusalFor = async (blueprint: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-bp-old-'));
    const env = { id: 'old', name: 'Old', production: false, blueprint, connections: [] };
    await writeFile(
      join(dir, 'environments.json'),
      JSON.stringify({ version: 1, environments: [env] }),
    );
    const core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 6)),
      logger: silentLogger(),
    });
    try {
      // Still listed (the file is not set aside), so the user can pick a blueprint name.
      const list = await core.router.dispatch('environments.list', {}, ctx);
      expect(list.ok).toBe(true);
      const r = await core.router.dispatch('tenants.blueprint', { envId: 'old' }, ctx);
      if (r.ok) throw new Error('expected a refusal');
      return r.error;
    } finally {
      await core.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('is refused by tenants.blueprint without reading the file, whether it exists or not', async () => {
    const existing = await refusalFor(outside);
    const missing = await refusalFor(join(root, 'missing.yaml'));
    expect(existing.code).toBe('VALIDATION');
    expect(existing.message).not.toContain('Outside-Secret');
    expect(missing.code).toBe(existing.code);
    expect(missing.message.replace(missing.message.match(/"[^"]*"/)?.[0] ?? '', '')).toBe(
      existing.message.replace(existing.message.match(/"[^"]*"/)?.[0] ?? '', ''),
    );
  });
});

describe('KEEL_ENV_BLUEPRINT', () => {
  const vars = { KEEL_ENV_ID: 'prod', KEEL_CONN_CACHE_URI: 'redis://cache1:6379/0' };

  it('is a blueprint name; a path is refused with where to put the file', () => {
    expect(() => environmentFromVars({ ...vars, KEEL_ENV_BLUEPRINT: '/etc/keel/bp.yaml' })).toThrow(
      /KEEL_ENV_BLUEPRINT.*blueprints/,
    );
    expect(
      environmentFromVars({ ...vars, KEEL_ENV_BLUEPRINT: 'mine' })?.environment.blueprint,
    ).toBe('mine');
  });
});
