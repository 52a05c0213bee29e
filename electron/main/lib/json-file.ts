import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { z } from 'zod';
import { KeelError } from '../../../shared/errors';

/**
 * Atomic write: write a temp file in the same directory, fsync it, rename over the target,
 * fsync the directory. A crash leaves the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // Persist the rename itself; not supported on Windows, where rename is already durable enough.
  if (process.platform !== 'win32') {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

/**
 * A JSON document on disk validated by a schema on every read and write. Writes are serialised
 * (one at a time, in call order) and atomic. A file that fails its schema is not silently
 * replaced: it is kept aside as `<name>.invalid-<time>` and the default is used, with a warning.
 */
export class JsonFile<S extends z.ZodType> {
  private queue: Promise<unknown> = Promise.resolve();
  private cache: z.output<S> | undefined;

  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly fallback: () => z.output<S>,
    private readonly onInvalid: (path: string, reason: string) => void = () => undefined,
  ) {}

  async read(): Promise<z.output<S>> {
    if (this.cache !== undefined) return this.cache;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return (this.cache = this.fallback());
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return this.quarantine(`not JSON: ${(e as Error).message}`);
    }
    const r = this.schema.safeParse(parsed);
    if (!r.success) return this.quarantine(r.error.issues.map((i) => i.message).join('; '));
    return (this.cache = r.data);
  }

  /** Read-modify-write under the file's queue; the updater's result must pass the schema. */
  update(
    updater: (current: z.output<S>) => z.output<S> | Promise<z.output<S>>,
  ): Promise<z.output<S>> {
    const next = this.queue.then(async () => {
      const current = await this.read();
      const candidate = await updater(structuredClone(current));
      const r = this.schema.safeParse(candidate);
      if (!r.success) {
        throw new KeelError('VALIDATION', `refusing to write ${basename(this.path)}`, {
          issues: r.error.issues,
        });
      }
      await writeFileAtomic(this.path, JSON.stringify(r.data, null, 2) + '\n');
      this.cache = r.data;
      return r.data;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async quarantine(reason: string): Promise<z.output<S>> {
    const aside = `${this.path}.invalid-${Date.now()}`;
    await rename(this.path, aside).catch(() => undefined);
    this.onInvalid(aside, reason);
    return (this.cache = this.fallback());
  }
}
