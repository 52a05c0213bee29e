import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { actorSchema, jobStartSchema } from '../../../../shared/jobs';
import { JsonFile } from '../../lib/json-file';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';

/** A schedule as stored: what to run, when, and who made it. */
export const storedScheduleSchema = z.object({
  id: z.string(),
  envId: z.string(),
  name: z.string(),
  target: jobStartSchema,
  cron: z.string(),
  tz: z.string(),
  enabled: z.boolean(),
  createdBy: actorSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredSchedule = z.infer<typeof storedScheduleSchema>;

export interface ScheduleStore {
  list(envId: string): Promise<StoredSchedule[]>;
  get(envId: string, id: string): Promise<StoredSchedule | undefined>;
  save(s: StoredSchedule): Promise<void>;
  remove(envId: string, id: string): Promise<boolean>;
}

/** Shared: keel.keel_schedule in the environment's core database. */
export class MysqlScheduleStore implements ScheduleStore {
  constructor(private readonly core: MysqlStore) {}

  async list(envId: string): Promise<StoredSchedule[]> {
    const rows = await this.core.query<RowDataPacket[]>(
      `SELECT definition FROM ${table('keel_schedule')} WHERE env_id = ? ORDER BY id`,
      [envId],
    );
    return rows.map((r) => parse(r.definition));
  }

  async get(envId: string, id: string): Promise<StoredSchedule | undefined> {
    const rows = await this.core.query<RowDataPacket[]>(
      `SELECT definition FROM ${table('keel_schedule')} WHERE env_id = ? AND id = ?`,
      [envId, id],
    );
    return rows[0] ? parse(rows[0].definition) : undefined;
  }

  async save(s: StoredSchedule): Promise<void> {
    await this.core.query(
      `INSERT INTO ${table('keel_schedule')} (env_id, id, definition, enabled, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE definition = VALUES(definition), enabled = VALUES(enabled), updated_at = VALUES(updated_at)`,
      [s.envId, s.id, JSON.stringify(s), s.enabled ? 1 : 0],
    );
  }

  async remove(envId: string, id: string): Promise<boolean> {
    const res = (await this.core.query(
      `DELETE FROM ${table('keel_schedule')} WHERE env_id = ? AND id = ?`,
      [envId, id],
    )) as unknown as {
      affectedRows: number;
    };
    return res.affectedRows > 0;
  }
}

const fileSchema = z.object({ version: z.literal(1), schedules: z.array(storedScheduleSchema) });

/** Local: `<userData>/schedules.json`, for environments without shared storage. */
export class FileScheduleStore implements ScheduleStore {
  private readonly file: JsonFile<typeof fileSchema>;

  constructor(dir: string) {
    this.file = new JsonFile(join(dir, 'schedules.json'), fileSchema, () => ({
      version: 1 as const,
      schedules: [],
    }));
  }

  async list(envId: string): Promise<StoredSchedule[]> {
    return (await this.file.read()).schedules.filter((s) => s.envId === envId);
  }

  async get(envId: string, id: string): Promise<StoredSchedule | undefined> {
    return (await this.list(envId)).find((s) => s.id === id);
  }

  async save(s: StoredSchedule): Promise<void> {
    await this.file.update((f) => ({
      ...f,
      schedules: [...f.schedules.filter((x) => !(x.envId === s.envId && x.id === s.id)), s],
    }));
  }

  async remove(envId: string, id: string): Promise<boolean> {
    const found = (await this.get(envId, id)) !== undefined;
    await this.file.update((f) => ({
      ...f,
      schedules: f.schedules.filter((x) => !(x.envId === envId && x.id === id)),
    }));
    return found;
  }
}

function parse(v: unknown): StoredSchedule {
  return storedScheduleSchema.parse(typeof v === 'string' ? JSON.parse(v) : v);
}
