import { join } from 'node:path';
import { z } from 'zod';
import { KeelError } from '../../../shared/errors';
import { connectionSecretSchema, type ConnectionSecret } from '../../../shared/models/environment';
import { JsonFile } from '../lib/json-file';
import type { SecretCipher } from './cipher';

const fileSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), z.object({ backend: z.string(), sealed: z.string() })),
});

/**
 * Connection secrets, kept apart from connection settings (`secrets.json` beside the profiles),
 * each sealed by the cipher. Only main reads them; the renderer learns `hasSecret` and nothing else.
 */
export class SecretStore {
  private readonly file: JsonFile<typeof fileSchema>;
  /** Secrets that live only in memory (from KEEL_* variables): never written to disk. */
  private readonly ephemeral = new Map<string, ConnectionSecret>();

  constructor(
    dir: string,
    private readonly cipher: SecretCipher,
    private readonly allowWeak: () => Promise<boolean>,
  ) {
    this.file = new JsonFile(join(dir, 'secrets.json'), fileSchema, () => ({
      version: 1 as const,
      entries: {},
    }));
  }

  get backend(): { backend: string; safe: boolean } {
    return { backend: this.cipher.backend, safe: this.cipher.safe };
  }

  static key(envId: string, connectionId: string): string {
    return `${envId}/${connectionId}`;
  }

  setEphemeral(key: string, secret: ConnectionSecret): void {
    this.ephemeral.set(key, secret);
  }

  async has(key: string): Promise<boolean> {
    return this.ephemeral.has(key) || key in (await this.file.read()).entries;
  }

  async get(key: string): Promise<ConnectionSecret | undefined> {
    const mem = this.ephemeral.get(key);
    if (mem) return mem;
    const entry = (await this.file.read()).entries[key];
    if (!entry) return undefined;
    const plain = await this.cipher.decrypt(entry.sealed);
    return connectionSecretSchema.parse(JSON.parse(plain));
  }

  /** Store (or with an empty secret, delete) a secret. Refuses a weak backend without opt-in. */
  async set(key: string, secret: ConnectionSecret): Promise<void> {
    const empty = !secret.password && !secret.token && !secret.tlsKey;
    if (empty) return this.delete(key);
    if (!this.cipher.safe && !(await this.allowWeak())) {
      throw new KeelError(
        'SECRET_STORE_UNAVAILABLE',
        `no OS keyring is available (backend "${this.cipher.backend}"), so the password would be stored with a key anyone can read. Install and unlock a keyring (gnome-keyring, KWallet), or allow weak secret storage in Settings.`,
        { backend: this.cipher.backend },
      );
    }
    const sealed = await this.cipher.encrypt(JSON.stringify(secret));
    await this.file.update((f) => ({
      ...f,
      entries: { ...f.entries, [key]: { backend: this.cipher.backend, sealed } },
    }));
  }

  async delete(key: string): Promise<void> {
    this.ephemeral.delete(key);
    if (!(key in (await this.file.read()).entries)) return;
    await this.file.update((f) => {
      const { [key]: _gone, ...rest } = f.entries;
      return { ...f, entries: rest };
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const k of [...this.ephemeral.keys()]) if (k.startsWith(prefix)) this.ephemeral.delete(k);
    await this.file.update((f) => ({
      ...f,
      entries: Object.fromEntries(Object.entries(f.entries).filter(([k]) => !k.startsWith(prefix))),
    }));
  }
}
