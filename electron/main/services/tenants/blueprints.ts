import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
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
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Parse and validate blueprint text; a bad one is refused with the path and reason of every error. */
export function parseBlueprint(text: string, source: string): Blueprint {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (e) {
    throw new KeelError(
      'VALIDATION',
      `blueprint ${source} is not valid YAML: ${(e as Error).message}`,
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

/** Blueprints by name (`default` → resources/blueprints/default.yaml) or absolute path, re-read when changed. */
export class BlueprintLoader {
  private readonly cache = new Map<string, Cached>();
  private dir: string | undefined;

  constructor(private readonly baseDir?: string) {}

  pathOf(name: string): string {
    if (isAbsolute(name)) return name;
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
      throw new KeelError('VALIDATION', `"${name}" is not a blueprint name or an absolute path`);
    }
    this.dir ??= this.baseDir ?? findBlueprintDir();
    return join(this.dir, `${name}.yaml`);
  }

  async load(name: string): Promise<{ blueprint: Blueprint; source: string }> {
    const path = this.pathOf(name);
    const st = await stat(path).catch(() => {
      throw new KeelError('NOT_FOUND', `blueprint ${name} not found (${path})`);
    });
    const hit = this.cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs) return { blueprint: hit.blueprint, source: path };
    const blueprint = parseBlueprint(await readFile(path, 'utf8'), name);
    this.cache.set(path, { mtimeMs: st.mtimeMs, blueprint });
    return { blueprint, source: path };
  }
}
