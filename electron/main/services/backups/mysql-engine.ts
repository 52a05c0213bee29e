import type { BackupRun, Manifest, TableEntry } from '../../../../shared/backups';
import { KeelError, isKeelError } from '../../../../shared/errors';
import { planTable, dumpChunk, type ChunkPlan, type TablePlan } from './chunks';
import { CONTENT_HASH_DESCRIPTION, ContentHash, LOAD_STATEMENT } from './codec';
import type { BackupEngine, RunWriter } from './lifecycle';
import { openWorker, serverFacts, type ServerFacts, type Worker } from './mysql-conn';
import { checkPrivileges, checkSpace } from './preflight';
import type { RunnerDeps } from './runner';
import { dumpSchema } from './schema-dump';
import { resolveScope, type ResolvedScope } from './scope';
import { takeSnapshot } from './snapshot';
import type { ManifestBody } from './storage';

/** The checks every MySQL run makes before writing anything: scope, privileges, space. */
export async function preflight(
  d: RunnerDeps,
  run: BackupRun,
  control: Worker,
): Promise<{ facts: ServerFacts; scope: ResolvedScope }> {
  const facts = await serverFacts(control);
  const tenant =
    run.scope.type === 'tenant'
      ? await d.tenantPlan(run.envId, run.connectionId, run.scope.tenantId)
      : undefined;
  const scope = await resolveScope(control, run.scope, tenant);
  await checkPrivileges(control, facts, scope);
  const storage = d.storageOf(run.envId);
  checkSpace(scope, await storage.freeBytes(), storage.root, d.settings.reserveBytes);
  return { facts, scope };
}

/**
 * MySQL / MariaDB: one consistent snapshot across the workers (snapshot.ts), the schema, then
 * primary-key range chunks dumped in parallel.
 */
export function mysqlEngine(d: RunnerDeps, run: BackupRun): BackupEngine {
  const workers: Worker[] = [];
  let control: Worker | undefined;
  let checked: { facts: ServerFacts; scope: ResolvedScope } | undefined;
  return {
    store: 'mysql',
    async preflight() {
      control = await openWorker(await d.resolve(run.envId, run.connectionId));
      checked = await preflight(d, run, control);
    },
    kill() {
      control?.destroy();
      for (const w of workers) w.destroy();
    },
    async close() {
      await Promise.all([control?.close(), ...workers.map((w) => w.close())]);
    },
    error(e) {
      return control ? control.error(e) : e instanceof Error ? e : new Error(String(e));
    },
    async dump({ id, startedAt, storage, compression, ctx }: RunWriter) {
      if (!control || !checked) throw new KeelError('INTERNAL', 'dump before pre-flight');
      const { facts, scope } = checked;
      ctx.log(
        'info',
        `backup ${id}: ${scope.tables.length} table(s), ${compression}, ${facts.version}`,
      );
      const init = await d.resolve(run.envId, run.connectionId);
      const n = Math.max(1, d.settings.workers);
      for (let i = 0; i < n; i++) workers.push(await openWorker(init));
      ctx.signal.throwIfAborted();
      const { snapshot, release } = await takeSnapshot(control, workers, facts);
      ctx.log(
        'info',
        `snapshot at ${snapshot.binlog ? `${snapshot.binlog.file}:${snapshot.binlog.position}` : 'no binlog'}, GTID ${snapshot.gtid ?? '-'}, lock held ${snapshot.lockMs.toFixed(1)} ms`,
      );
      const first = workers[0] as Worker;
      const tSchema = performance.now();
      const schemaDump = await dumpSchema(first, scope);
      const schemaFile = await storage.openFile(id, 'schema.json');
      schemaFile.sink.end(JSON.stringify(schemaDump, null, 1) + '\n');
      await new Promise<void>((res, rej) => schemaFile.sink.on('finish', res).on('error', rej));
      const schema = await schemaFile.commit('schema.json');
      const plans: TablePlan[] = [];
      for (const [i, ref] of scope.tables.entries())
        plans.push(await planTable(first, ref, i, d.settings.chunkRows));
      const schemaMs = performance.now() - tSchema;

      const tData = performance.now();
      const queue: ChunkPlan[] = plans.flatMap((p) => p.chunks);
      const total = queue.length;
      const results = new Map<ChunkPlan, TableEntry['chunks'][number]>();
      const hashes = new Map(plans.map((p) => [p, new ContentHash()]));
      let rows = 0;
      let bytes = 0;
      const report = (): void =>
        ctx.progress({
          done: results.size,
          total,
          message: `${results.size}/${total} chunks, ${rows} rows, ${(bytes / 1048576).toFixed(1)} MB`,
        });
      report();
      await Promise.all(
        workers.map(async (w) => {
          for (let c = queue.shift(); c; c = queue.shift()) {
            ctx.signal.throwIfAborted();
            const entry = await dumpChunk(w, c, {
              storage,
              backupId: id,
              compression,
              hash: hashes.get(c.table) as ContentHash,
              onRows: (r) => void (rows += r),
              signal: ctx.signal,
              stallMs: d.settings.stallMs,
            }).catch((e: unknown) => {
              queue.length = 0;
              throw isKeelError(e) ? e : w.error(e);
            });
            results.set(c, entry);
            bytes += entry.size;
            report();
          }
        }),
      );
      await Promise.all(workers.map((w) => w.q.query('COMMIT')));
      await release();
      const dataMs = performance.now() - tData;
      const finishedAt = new Date();
      const byDb = new Map<string, TableEntry[]>();
      for (const p of plans) {
        const h = hashes.get(p) as ContentHash;
        const list = byDb.get(p.ref.database) ?? [];
        list.push({
          name: p.ref.table,
          engine: p.ref.engine,
          columns: p.columns,
          ...(p.ref.filter && { filter: p.ref.filter }),
          rows: h.rows,
          contentHash: h.hex(),
          chunks: p.chunks.map((c) => results.get(c) as TableEntry['chunks'][number]),
        });
        byDb.set(p.ref.database, list);
      }
      const manifest: ManifestBody<Manifest> = {
        format: 'keel-backup/1',
        id,
        envId: run.envId,
        connectionId: run.connectionId,
        store: 'mysql',
        scope: run.scope,
        status: 'complete',
        server: { version: facts.version, flavor: facts.flavor },
        keelVersion: d.keelVersion,
        snapshot,
        timings: {
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationMs: finishedAt.getTime() - startedAt.getTime(),
          lockMs: snapshot.lockMs,
          schemaMs,
          dataMs,
        },
        compression,
        chunkFormat: { kind: 'tsv', load: LOAD_STATEMENT, charset: 'utf8mb4', timeZone: '+00:00' },
        contentHash: CONTENT_HASH_DESCRIPTION,
        schema,
        databases: [...byDb].map(([name, tables]) => ({ name, tables })),
        totals: { bytes: bytes + schema.size, rows, chunks: total },
      };
      return manifest;
    },
  };
}
