import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { KeelError } from '../../../shared/errors';
import { writeFileAtomic } from '../lib/json-file';

/**
 * Encrypts secrets at rest. Desktop: Electron safeStorage (OS keychain). Server mode / CLI:
 * a 256-bit key from KEEL_SECRET_KEY or a key file with mode 0600. No key is built into Keel.
 */
export interface SecretCipher {
  /** e.g. `keychain`, `gnome_libsecret`, `basic_text`, `key-file`, `env-key`. */
  readonly backend: string;
  /** False for backends that protect nothing (Linux `basic_text`): storing then needs an opt-in. */
  readonly safe: boolean;
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

const scrypt = promisify(scryptCb) as (
  pw: string | Buffer,
  salt: Buffer,
  len: number,
  o: object,
) => Promise<Buffer>;

/** AES-256-GCM, output `v1.<iv>.<tag>.<data>` in base64url. */
export function sealWithKey(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv, c.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openWithKey(key: Buffer, sealed: string): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) {
    throw new KeelError('VALIDATION', 'not a Keel sealed secret');
  }
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new KeelError(
      'AUTH_FAILED',
      'the secret cannot be decrypted with this key or passphrase',
    );
  }
}

export class KeyCipher implements SecretCipher {
  readonly safe = true;
  constructor(
    readonly backend: string,
    private readonly key: Buffer,
  ) {}
  encrypt(plain: string): Promise<string> {
    return Promise.resolve(sealWithKey(this.key, plain));
  }
  decrypt(sealed: string): Promise<string> {
    return Promise.resolve(openWithKey(this.key, sealed));
  }
}

/**
 * The headless cipher: `KEEL_SECRET_KEY` (64 hex chars or base64 of 32 bytes) if set; otherwise
 * `<dir>/secret.key`, created with mode 0600 on first use. A key file readable by others is refused.
 */
export async function loadKeyCipher(keyFile: string, env = process.env): Promise<KeyCipher> {
  const fromEnv = env.KEEL_SECRET_KEY;
  if (fromEnv) return new KeyCipher('env-key', decodeKey(fromEnv, 'KEEL_SECRET_KEY'));
  try {
    const st = await stat(keyFile);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KeelError(
        'PERMISSION_DENIED',
        `${keyFile} is readable by other users; run: chmod 600 ${keyFile}`,
      );
    }
    return new KeyCipher('key-file', decodeKey((await readFile(keyFile, 'utf8')).trim(), keyFile));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(32);
  await writeFileAtomic(keyFile, key.toString('hex') + '\n', 0o600);
  await chmod(keyFile, 0o600);
  return new KeyCipher('key-file', key);
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new KeelError('VALIDATION', `${source} must hold a 256-bit key (64 hex characters)`);
  }
  return key;
}

/** Passphrase-based sealing for exported YAML: scrypt (N=2^15) → AES-256-GCM. */
export async function sealWithPassphrase(passphrase: string, plain: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(passphrase, salt, 32, {
    N: 1 << 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return `scrypt.${salt.toString('base64url')}.${sealWithKey(key, plain)}`;
}

export async function openWithPassphrase(passphrase: string, sealed: string): Promise<string> {
  const [kdf, salt, ...rest] = sealed.split('.');
  if (kdf !== 'scrypt' || !salt)
    throw new KeelError('VALIDATION', 'not a passphrase-sealed secret');
  const key = await scrypt(passphrase, Buffer.from(salt, 'base64url'), 32, {
    N: 1 << 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return openWithKey(key, rest.join('.'));
}
