import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AlertEvent, AlertRule, Silence, Webhook } from '../../../../shared/alerts';
import { writeFileAtomic } from '../../lib/json-file';
import { MemoryAlertStore, type StoredAlert } from './store';

/** Resolved alerts and history rows kept on disk; older ones are dropped first. */
const KEEP_RESOLVED = 2000;
const KEEP_EVENTS = 20_000;

interface Snapshot {
  version: 1;
  defaulted: string[];
  rules: AlertRule[];
  silences: Silence[];
  webhooks: Array<[string, Webhook[]]>;
  alerts: StoredAlert[];
  log: Array<AlertEvent & { envId: string }>;
}

/**
 * The store of environments without a core database: this console's memory, saved to
 * `<userDataDir>/alerts.json` after each change (atomically, one write at a time), so alerts and
 * edited rules survive a restart. Nobody else sees them: that needs a core database.
 */
export class FileAlertStore extends MemoryAlertStore {
  private loaded: Promise<void> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Read the file once (a missing or unreadable one starts empty, with a warning). */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        return;
      }
      try {
        const s = JSON.parse(text) as Snapshot;
        for (const e of s.defaulted) this.defaulted.add(e);
        for (const r of s.rules) this.ruleMap.set(`${r.envId}/${r.id}`, r);
        for (const x of s.silences) this.silenceMap.set(`${x.envId}/${x.id}`, x);
        for (const [env, hooks] of s.webhooks) this.hooks.set(env, hooks);
        for (const a of s.alerts) this.alerts.set(a.alert.id, a);
        this.log.push(...s.log);
      } catch (err) {
        this.logger.warn({ err, path: this.path }, 'alerts file unreadable: starting empty');
      }
    })();
    return this.loaded;
  }

  override async ensureDefaults(envId: string, rules: AlertRule[]): Promise<void> {
    await this.load();
    const had = this.defaulted.has(envId);
    await super.ensureDefaults(envId, rules);
    if (!had) this.save();
  }

  override async saveRule(rule: AlertRule): Promise<void> {
    await super.saveRule(rule);
    this.save();
  }

  override async removeRule(envId: string, id: string): Promise<boolean> {
    return this.saved(await super.removeRule(envId, id));
  }

  override async saveSilence(s: Silence): Promise<void> {
    await super.saveSilence(s);
    this.save();
  }

  override async removeSilence(envId: string, id: string): Promise<boolean> {
    return this.saved(await super.removeSilence(envId, id));
  }

  override async saveWebhooks(envId: string, hooks: Webhook[]): Promise<void> {
    await super.saveWebhooks(envId, hooks);
    this.save();
  }

  override async insert(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    return this.saved(await super.insert(a, events));
  }

  override async update(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    return this.saved(await super.update(a, events));
  }

  /** Wait for pending writes (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.dirty) await this.saving;
    await this.saving;
  }

  private saved(changed: boolean): boolean {
    if (changed) this.save();
    return changed;
  }

  /** Coalesce changes into one write at a time; failures are logged, the memory stays right. */
  private save(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.saving = this.saving.then(async () => {
      this.dirty = false;
      this.trim();
      const snap: Snapshot = {
        version: 1,
        defaulted: [...this.defaulted],
        rules: [...this.ruleMap.values()],
        silences: [...this.silenceMap.values()],
        webhooks: [...this.hooks.entries()],
        alerts: [...this.alerts.values()],
        log: this.log,
      };
      await writeFileAtomic(this.path, JSON.stringify(snap)).catch((err: unknown) =>
        this.logger.warn({ err, path: this.path }, 'alerts file not written'),
      );
    });
  }

  private trim(): void {
    const resolved = [...this.alerts.values()]
      .filter((a) => a.alert.state === 'resolved')
      .sort((a, b) => a.alert.updatedAt.localeCompare(b.alert.updatedAt));
    for (const a of resolved.slice(0, Math.max(0, resolved.length - KEEP_RESOLVED))) {
      this.alerts.delete(a.alert.id);
    }
    if (this.log.length > KEEP_EVENTS) this.log.splice(0, this.log.length - KEEP_EVENTS);
  }
}
