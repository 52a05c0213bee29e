import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import {
  anyManifestSchema,
  backupIdSchema,
  backupSummarySchema,
  MANIFEST_SCHEMAS,
  type AnyManifest,
  type BackupFile,
  type BackupSummary,
} from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import { JsonFile, writeFileAtomic } from '../../lib/json-file';

export const MANIFEST = 'manifest.json';
const INDEX = 'index.json';

const indexSchema = z.object({ backups: z.array(backupSummarySchema) });
type Index = z.infer<typeof indexSchema>;

/** A new backup id: sorts by start time, unique enough across consoles. */
export function newBackupId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `b_${stamp}_${randomBytes(3).toString('hex')}`;
}

/** SHA-256 of the manifest's canonical JSON without `manifestSha256`. */
/** A manifest before its self-hash is added. */
export type ManifestBody<M extends AnyManifest = AnyManifest> = M extends AnyManifest
  ? Omit<M, 'manifestSha256'>
  : never;

export function manifestHash(m: ManifestBody & { manifestSha256?: string }) {
  const { manifestSha256: _ignored, ...body } = m;
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * One environment's backups on local disk: `<root>/<id>/` per backup (chunks, schema, and the
 * manifest, written last), and `<root>/index.json`, which remembers runs that have no manifest
 * (running, failed, cancelled) and the last verify of each. The manifests are the truth about
 * complete backups; the index is never enough to make a backup complete.
 */
export class BackupStorage {
  private readonly index: JsonFile<typeof indexSchema>;

  constructor(readonly root: string) {
    this.index = new JsonFile(join(root, INDEX), indexSchema, () => ({ backups: [] }));
  }

  dirOf(id: string): string {
    backupIdSchema.parse(id);
    return join(this.root, id);
  }

  /** Create the directory of a new backup (fails if it exists: ids are never reused). */
  async create(id: string): Promise<string> {
    const dir = this.dirOf(id);
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
    return dir;
  }

  /** Remove a backup's directory (a failed run's partial files, or a deleted backup). */
  async removeDir(id: string): Promise<void> {
    await rm(this.dirOf(id), { recursive: true, force: true });
  }

  /**
   * A writable file of a backup under a temporary name. `commit()` fsyncs it and renames it to
   * its final name; until then it cannot be mistaken for a finished chunk.
   */
  async openFile(id: string, rel: string): Promise<ChunkFile> {
    const final = join(this.dirOf(id), rel);
    await mkdir(dirname(final), { recursive: true, mode: 0o700 });
    return new ChunkFile(final, `${final}.${randomBytes(4).toString('hex')}.tmp`);
  }

  /** Write the manifest with its own hash, atomically: after this the backup is complete. */
  async writeManifest<M extends AnyManifest>(m: ManifestBody<M>): Promise<M> {
    // Hash what is written: the schema's output fixes the key order the reader will see.
    const schema = MANIFEST_SCHEMAS[m.store] as unknown as z.ZodObject;
    const body = schema.omit({ manifestSha256: true }).parse(m) as ManifestBody;
    const full = { ...body, manifestSha256: manifestHash(body) } as M;
    await writeFileAtomic(join(this.dirOf(m.id), MANIFEST), JSON.stringify(full, null, 1) + '\n');
    return full;
  }

  /** The manifest of a backup, checked against its schema and self-hash; NOT_FOUND without one. */
  async readManifest(id: string): Promise<AnyManifest> {
    let text: string;
    try {
      text = await readFile(join(this.dirOf(id), MANIFEST), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new KeelError('NOT_FOUND', `backup ${id} has no manifest: it is not complete`);
      throw e;
    }
    return parseManifest(text);
  }

  /** Ids of every directory under the root that looks like a backup. */
  async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.filter((n) => backupIdSchema.safeParse(n).success).sort();
  }

  records(): Promise<BackupSummary[]> {
    return this.index.read().then((i) => i.backups);
  }

  /** Add or change the index entry of a backup. */
  async record(id: string, patch: (old: BackupSummary | undefined) => BackupSummary | undefined) {
    await this.index.update((i: Index) => {
      const old = i.backups.find((b) => b.id === id);
      const next = patch(old);
      const rest = i.backups.filter((b) => b.id !== id);
      return { backups: next ? [...rest, next] : rest };
    });
  }

  /** Free bytes for an unprivileged writer on the root's filesystem. */
  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const s = await statfs(this.root);
    return s.bavail * s.bsize;
  }
}

/** The catalog row of a complete backup. */
export function summaryOf(m: AnyManifest, jobId?: string): BackupSummary {
  const base: BackupSummary = {
    id: m.id,
    envId: m.envId,
    connectionId: m.connectionId,
    store: m.store,
    scope: m.scope,
    status: 'complete',
    ...(jobId && { jobId }),
    startedAt: m.timings.startedAt,
    finishedAt: m.timings.finishedAt,
    bytes: m.totals.bytes,
    rows: m.totals.rows,
    chunks: m.totals.chunks,
  };
  if (m.store !== 'mysql') return { ...base, consistent: false };
  return {
    ...base,
    lockMs: m.snapshot.lockMs,
    binlog: m.snapshot.binlog,
    gtid: m.snapshot.gtid,
  };
}

/** Every data file a manifest lists (the manifest itself aside). */
export function manifestFiles(m: AnyManifest): BackupFile[] {
  switch (m.store) {
    case 'mysql':
      return [m.schema, ...m.databases.flatMap((d) => d.tables.flatMap((t) => t.chunks))];
    case 'redis':
      return m.keyspaces.flatMap((k) => k.chunks);
    case 'influxdb':
      return m.databases.flatMap((d) => d.measurements.flatMap((x) => x.chunks));
    case 'mongodb':
      return m.databases.flatMap((d) => d.collections.flatMap((c) => c.chunks));
  }
}

export function parseManifest(text: string): AnyManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new KeelError('VALIDATION', `the manifest is not JSON: ${(e as Error).message}`);
  }
  const r = anyManifestSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new KeelError(
      'VALIDATION',
      `the manifest does not match its format: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`,
    );
  }
  // Hash the parsed object as read (key order kept), so any edited value changes it.
  const { manifestSha256, ...body } = raw as AnyManifest;
  if (manifestHash(body) !== manifestSha256) {
    throw new KeelError('VALIDATION', 'the manifest was changed after it was written (self-hash)');
  }
  return r.data;
}

/**
 * A file being written: bytes counted and hashed as they go to disk, fsynced and renamed on
 * commit, removed on abort.
 */
export class ChunkFile {
  private readonly hash = createHash('sha256');
  private size = 0;
  readonly sink: Writable;
  private readonly out;

  constructor(
    readonly path: string,
    readonly tmp: string,
  ) {
    this.out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    this.sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.hash.update(chunk);
        this.size += chunk.length;
        if (this.out.write(chunk)) cb();
        else this.out.once('drain', () => cb());
      },
      final: (cb) => {
        this.out.end(() => cb());
      },
      destroy: (err, cb) => {
        this.out.destroy();
        cb(err);
      },
    });
    this.out.on('error', (e) => this.sink.destroy(e));
  }

  /** After the sink finished: fsync, rename to the final name, fsync the directory. */
  async commit(rel: string): Promise<BackupFile> {
    const fh = await open(this.tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(this.tmp, this.path);
    const dh = await open(dirname(this.path), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    return { file: rel, size: this.size, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    this.sink.destroy();
    await rm(this.tmp, { force: true });
  }
}
