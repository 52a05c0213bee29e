import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { prefsSchema, type Prefs, type PrefsPatch } from '../../../shared/models/prefs';
import type { EventBus } from '../lib/event-bus';
import { JsonFile } from '../lib/json-file';

const fileSchema = z.object({ version: z.literal(1), prefs: prefsSchema });

/** The user's preferences in `<userData>/prefs.json`. */
export class PrefsService {
  private readonly file: JsonFile<typeof fileSchema>;

  constructor(
    dir: string,
    private readonly bus: EventBus,
    logger: Logger,
  ) {
    this.file = new JsonFile(
      join(dir, 'prefs.json'),
      fileSchema,
      () => ({ version: 1 as const, prefs: prefsSchema.parse({}) }),
      (aside, reason) => logger.warn({ aside, reason }, 'prefs file was invalid; using defaults'),
    );
  }

  async get(): Promise<Prefs> {
    return (await this.file.read()).prefs;
  }

  async set(patch: PrefsPatch): Promise<Prefs> {
    const next = await this.file.update((f) => ({ ...f, prefs: { ...f.prefs, ...patch } }));
    this.bus.publish('prefs.changed', next.prefs);
    return next.prefs;
  }
}
