import { setMaxListeners } from 'node:events';
import type { BackupRun, BackupStore, BackupSummary, ChunkEntry } from '../../../../shared/backups';
import { isKeelError, type ErrorShape } from '../../../../shared/errors';
import type { ErrorContext } from '../../stores/errors';
import { addressOf, type StoreClientInit } from '../../stores/types';
import type { JobContext } from '../jobs/types';
import { ChunkWriter } from './chunk-writer';
import type { Compression } from './compress';
import { newBackupId, summaryOf, type BackupStorage, type ManifestBody } from './storage';

/** Where and how a run writes: its id, directory, compression and job. */
export interface RunWriter {
  id: string;
  startedAt: Date;
  storage: BackupStorage;
  compression: Compression;
  ctx: JobContext;
}

/**
 * One store's backup, in three steps the lifecycle calls in order: `preflight` (checks only,
 * nothing written; the service runs it before a job exists too), `dump` (chunks into the run's
 * directory, returns the manifest), and `close`. `kill` drops every connection at once (cancel,
 * failure); `error` maps a driver error to a KeelError.
 */
export interface BackupEngine {
  readonly store: BackupStore;
  preflight(): Promise<void>;
  dump(w: RunWriter): Promise<ManifestBody>;
  kill(): void;
  close(): Promise<void>;
  error(e: unknown): Error;
}

/**
 * The body of every `backups.run` job. The backup directory holds nothing that looks complete
 * until the manifest is written last; on failure or cancel the directory is removed and the run
 * is recorded with its reason.
 */
export async function runWithLifecycle(
  run: BackupRun,
  ctx: JobContext,
  storage: BackupStorage,
  compression: Compression,
  engine: BackupEngine,
): Promise<BackupSummary> {
  const startedAt = new Date();
  const id = newBackupId(startedAt);
  const kill = (): void => engine.kill();
  // Every chunk's pipeline listens to the signal, several workers at a time.
  setMaxListeners(64, ctx.signal);
  ctx.signal.addEventListener('abort', kill, { once: true });
  let created = false;
  try {
    await engine.preflight();
    ctx.signal.throwIfAborted();
    // The record first: a directory the catalog has no record of is never taken for a live run.
    created = true;
    await storage.record(id, () => ({
      id,
      envId: run.envId,
      connectionId: run.connectionId,
      store: engine.store,
      scope: run.scope,
      status: 'running',
      jobId: ctx.id,
      startedAt: startedAt.toISOString(),
    }));
    await storage.create(id);
    const manifest = await engine.dump({ id, startedAt, storage, compression, ctx });
    ctx.signal.throwIfAborted();
    const written = await storage.writeManifest(manifest);
    const summary = summaryOf(written, ctx.id);
    await storage.record(id, () => summary);
    await engine.close();
    return summary;
  } catch (e) {
    engine.kill();
    const cancelled = ctx.signal.aborted;
    // Driver errors (the server went away mid-dump) become coded errors with the reason.
    const failure = isKeelError(e) ? e : engine.error(e);
    const error: ErrorShape = cancelled
      ? { code: 'CANCELLED', message: 'cancelled: partial files removed' }
      : isKeelError(failure)
        ? failure.toShape()
        : { code: 'INTERNAL', message: failure.message };
    if (created) {
      await storage.removeDir(id);
      await storage.record(
        id,
        (old) =>
          old && {
            ...old,
            status: cancelled ? 'cancelled' : 'failed',
            finishedAt: new Date().toISOString(),
            error,
          },
      );
      ctx.log('warn', `backup ${id} ${cancelled ? 'cancelled' : 'failed'}: partial files removed`);
    }
    throw failure;
  } finally {
    ctx.signal.removeEventListener('abort', kill);
  }
}

/**
 * Run `body` with a chunk writer of this run (files `name(i)` + the compression's extension,
 * `chunkRows` records each); returns what `body` returned and the chunks, or removes the chunk
 * being written and rethrows.
 */
export async function withChunks<R>(
  w: RunWriter,
  chunkRows: number,
  name: (i: number) => string,
  body: (writer: ChunkWriter) => Promise<R>,
): Promise<{ result: R; chunks: ChunkEntry[] }> {
  const writer = new ChunkWriter({
    storage: w.storage,
    backupId: w.id,
    compression: w.compression,
    name,
    maxRecords: chunkRows,
    signal: w.ctx.signal,
  });
  try {
    const result = await body(writer);
    return { result, chunks: await writer.finish() };
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

/** The header and timings every store's manifest shares, as of now. */
export function manifestCommon(w: RunWriter, run: BackupRun, keelVersion: string, t0: number) {
  const finishedAt = new Date();
  return {
    format: 'keel-backup/1' as const,
    id: w.id,
    envId: run.envId,
    connectionId: run.connectionId,
    scope: run.scope,
    status: 'complete' as const,
    keelVersion,
    compression: w.compression,
    timings: {
      startedAt: w.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - w.startedAt.getTime(),
      dataMs: performance.now() - t0,
    },
  };
}

/** How a store's driver errors of this run are mapped (redacted, with the address). */
export const errorContextOf = (init: StoreClientInit): ErrorContext => ({
  kind: init.connection.kind,
  address: addressOf(init.connection),
  secrets: [init.secret?.password, init.secret?.token],
  tls: init.connection.tls.enabled,
});
