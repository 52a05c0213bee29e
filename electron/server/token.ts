import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeelError } from '../../shared/errors';
import { writeFileAtomic } from '../main/lib/json-file';

export interface ServerToken {
  token: string;
  /** True when this start generated it (the only time it is printed). */
  created: boolean;
  path: string;
}

/**
 * The bearer token of server mode: KEEL_SERVER_TOKEN if set (automation, tests), else
 * `<userData>/server-token` (mode 0600), generated on first start.
 */
export async function loadServerToken(dir: string, env = process.env): Promise<ServerToken> {
  const path = join(dir, 'server-token');
  const fromEnv = env.KEEL_SERVER_TOKEN;
  if (fromEnv !== undefined) {
    if (fromEnv.length < 16)
      throw new KeelError('VALIDATION', 'KEEL_SERVER_TOKEN must be at least 16 characters');
    return { token: fromEnv, created: false, path: '(KEEL_SERVER_TOKEN)' };
  }
  try {
    const st = await stat(path);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KeelError(
        'PERMISSION_DENIED',
        `${path} is readable by other users; run: chmod 600 ${path}`,
      );
    }
    return { token: (await readFile(path, 'utf8')).trim(), created: false, path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path, token + '\n', 0o600);
  return { token, created: true, path };
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
