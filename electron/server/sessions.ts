import { createHash, randomBytes } from 'node:crypto';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A browser session id as issued: 32 random bytes, base64url. Anything else is malformed. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_SESSIONS = 1000;

/**
 * Browser sessions of server mode. The cookie holds a random id, never the long-lived server
 * token, so a cookie sent to another service on the same host gives away at most one session
 * that ends after `ttlMs` without use. Held in memory: a restart signs every browser out.
 */
export class Sessions {
  /** sha256(id) → expiry; hashed so a lookup's timing says nothing about valid ids. */
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(): string {
    this.prune();
    // The oldest session (least recently used: `use` re-inserts) makes room for a new one.
    if (this.expiry.size >= MAX_SESSIONS) {
      const oldest = this.expiry.keys().next().value;
      if (oldest !== undefined) this.expiry.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.expiry.set(hash(id), this.now() + this.ttlMs);
    return id;
  }

  /** True if the session is alive; each use extends it by the TTL (sliding expiry). */
  use(id: string): boolean {
    const key = hash(id);
    const exp = this.expiry.get(key);
    if (exp === undefined) return false;
    this.expiry.delete(key);
    if (exp <= this.now()) return false;
    this.expiry.set(key, this.now() + this.ttlMs);
    return true;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, exp] of this.expiry) if (exp <= t) this.expiry.delete(k);
  }
}

const hash = (id: string): string => createHash('sha256').update(id).digest('base64url');
