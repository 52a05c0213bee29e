import { join } from 'node:path';
import { z } from 'zod';
import { jobRecordSchema, type JobRecord } from '../../../../shared/jobs';
import { JsonFile } from '../../lib/json-file';
import type { JobStore } from './types';

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

  async load(): Promise<JobRecord[]> {
    return (await this.file.read()).jobs;
  }

  async save(record: JobRecord): Promise<void> {
    await this.file.update((f) => {
      const jobs = f.jobs.filter((j) => j.id !== record.id);
      jobs.unshift(record);
      jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { ...f, jobs: jobs.slice(0, this.keep) };
    });
  }
}
