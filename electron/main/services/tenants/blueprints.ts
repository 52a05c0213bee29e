import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { blueprintSchema, type Blueprint } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';

/** resources/blueprints, found upwards from this module (sources, out/main, the packaged app). */
export function findBlueprintDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) {
    for (const c of [join(dir, 'resources', 'blueprints'), join(dir, 'blueprints')]) {
      if (existsSync(join(c, 'default.yaml'))) return c;
    }
  }
  throw new KeelError('NOT_FOUND', 'the blueprints folder (resources/blueprints) is missing');
}

/** Every problem of a blueprint, one line each: `path: reason`. */
export function blueprintIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${issueMessage(i)}`,
  );
}

/** A zod message, without the names of unknown keys that do not look like blueprint keys. */
function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code !== 'unrecognized_keys') return i.message;
  const shown = i.keys.filter((k) => /^[A-Za-z0-9_-]{1,40}$/.test(k));
  const hidden = i.keys.length - shown.length;
  return `unknown key(s) ${shown.map((k) => `"${k}"`).join(', ')}${hidden ? `${shown.length ? ' and ' : ''}${hidden} other(s)` : ''}`;
}

/**
 * Parse and validate blueprint text; a bad one is refused with the path and reason of every
 * error. A YAML error gives its line and column, never the text around it.
 */
export function parseBlueprint(text: string, source: string): Blueprint {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false });
  } catch (e) {
    // The offset gives line and column; yaml's own message would quote the text around it.
    const offset = (e as { pos?: [number, number] }).pos?.[0];
    const code = (e as { code?: string }).code;
    let where = '';
    if (offset !== undefined) {
      const before = text.slice(0, offset).split('\n');
      where = ` at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    }
    throw new KeelError(
      'VALIDATION',
      `blueprint ${source} is not valid YAML${where}${code ? ` (${code})` : ''}`,
    );
  }
  const r = blueprintSchema.safeParse(doc);
  if (!r.success) {
    const issues = blueprintIssues(r.error);
    throw new KeelError(
      'VALIDATION',
      `blueprint ${source} has ${issues.length} error(s): ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? '; …' : ''}`,
      { issues },
    );
  }
  return r.data;
}

interface Cached {
  mtimeMs: number;
  blueprint: Blueprint;
}

/** Where blueprints come from, first match wins. */
export interface BlueprintDirs {
  /** `<state directory>/blueprints`: the operator's own, by name (may replace a bundled one). */
  custom?: string;
  /** resources/blueprints; found from this module when not given. */
  bundled?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Blueprints by name (`default` → resources/blueprints/default.yaml), re-read when changed. Only
 * names: no path, no `..`, and a link may not lead out of its folder, so an environment cannot
 * make Keel read (and quote) an arbitrary file. A string argument is the bundled folder.
 */
export class BlueprintLoader {
  private readonly cache = new Map<string, Cached>();
  private readonly dirs: BlueprintDirs;

  constructor(dirs: string | BlueprintDirs = {}) {
    this.dirs = typeof dirs === 'string' ? { bundled: dirs } : { ...dirs };
  }

  /** The real path of a blueprint's file, inside one of the folders. */
  async pathOf(name: string): Promise<string> {
    if (!NAME.test(name)) {
      throw new KeelError(
        'VALIDATION',
        `the blueprint must be a name (lower-case letters, digits, "-" or "_"), not a path: put <name>.yaml in the blueprints folder of Keel's state directory`,
      );
    }
    this.dirs.bundled ??= findBlueprintDir();
    for (const dir of [this.dirs.custom, this.dirs.bundled]) {
      if (!dir) continue;
      const file = await realpath(join(dir, `${name}.yaml`)).catch(() => undefined);
      if (!file) continue;
      const rel = relative(await realpath(dir), file);
      if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
        throw new KeelError('VALIDATION', `blueprint ${name} is a link out of its folder`);
      }
      return file;
    }
    throw new KeelError(
      'NOT_FOUND',
      `no blueprint "${name}": the bundled ones, or <name>.yaml in the blueprints folder of Keel's state directory`,
    );
  }

  async load(name: string): Promise<{ blueprint: Blueprint; source: string }> {
    const path = await this.pathOf(name);
    const st = await stat(path);
    const hit = this.cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs) return { blueprint: hit.blueprint, source: path };
    const blueprint = parseBlueprint(await readFile(path, 'utf8'), name);
    this.cache.set(path, { mtimeMs: st.mtimeMs, blueprint });
    return { blueprint, source: path };
  }
}
