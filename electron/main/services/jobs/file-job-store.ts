import { join } from 'node:path';
import { z } from 'zod';
import { jobRecordSchema, type JobRecord } from '../../../../shared/jobs';
import { JsonFile } from '../../lib/json-file';
import { matchesFilter } from './job-filter';
import type { JobFilter, JobStore } from './types';

const fileSchema = z.object({ version: z.literal(1), jobs: z.array(jobRecordSchema) });

/** Job records in `<userData>/jobs.json` (atomic writes), newest first, capped at `keep`. */
export class FileJobStore implements JobStore {
  private readonly file: JsonFile<typeof fileSchema>;

  constructor(
    dir: string,
    private readonly keep = 1000,
    onInvalid?: (path: string, reason: string) => void,
  ) {
    this.file = new JsonFile(
      join(dir, 'jobs.json'),
      fileSchema,
      () => ({ version: 1 as const, jobs: [] }),
      onInvalid,
    );
  }

  /** Every record on disk, newest first. */
  async load(): Promise<JobRecord[]> {
    return (await this.file.read()).jobs;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const ahead = this.pending.get(id) ?? this.writing.get(id);
    if (ahead) return structuredClone(ahead);
    return (await this.load()).find((r) => r.id === id);
  }

  /** Records on disk and those still being written (theirs win), filtered, newest first. */
  async list(f: JobFilter): Promise<JobRecord[]> {
    const byId = new Map((await this.load()).map((r) => [r.id, r]));
    for (const r of [...this.writing.values(), ...this.pending.values()])
      byId.set(r.id, structuredClone(r));
    return [...byId.values()]
      .filter((r) => matchesFilter(r, f))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, f.limit);
  }

  /**
   * Group commit: saves that arrive while a write is in flight go out together in the next one,
   * so a burst of job updates costs a few atomic writes, not one per update. Each save resolves
   * once its record is on disk.
   */
  save(record: JobRecord): Promise<void> {
    this.pending.set(record.id, structuredClone(record));
    const written = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    return written;
  }

  private readonly pending = new Map<string, JobRecord>();
  /** The batch in flight: not yet on disk, no longer pending. */
  private writing = new Map<string, JobRecord>();
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;

  private async flush(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.writing = new Map(this.pending);
      this.pending.clear();
      const waiters = this.waiters.splice(0);
      try {
        await this.file.update((f) => {
          const byId = new Map(f.jobs.map((j) => [j.id, j]));
          for (const r of batch) byId.set(r.id, r);
          const jobs = [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
          return { ...f, jobs: jobs.slice(0, this.keep) };
        });
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      } finally {
        this.writing = new Map();
      }
    }
  }
}
