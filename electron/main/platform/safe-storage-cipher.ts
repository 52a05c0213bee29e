import { safeStorage } from 'electron';
import { KeelError } from '../../../shared/errors';
import type { SecretCipher } from '../secrets/cipher';

/**
 * The synchronous safeStorage API: Electron 40.8 (the pinned release) has no async variant
 * (`encryptStringAsync` and friends arrive in a later major), see its electron.d.ts.
 */
export type SafeStorageLike = Pick<
  typeof safeStorage,
  | 'isEncryptionAvailable'
  | 'getSelectedStorageBackend'
  | 'encryptString'
  | 'decryptString'
  | 'setUsePlainTextEncryption'
>;

export interface SafeStorageDeps {
  storage?: SafeStorageLike;
  platform?: NodeJS.Platform;
  /** The user's "allow weak secret storage" setting, read when a secret is sealed or opened. */
  allowWeak?: () => Promise<boolean>;
}

/**
 * Secrets sealed by the OS keychain through Electron safeStorage (Keychain, DPAPI, libsecret,
 * KWallet). On Linux without a keyring the backend is `basic_text`: a hard-coded key that protects
 * nothing, so the cipher reports itself unsafe and storing needs the user's explicit opt-in.
 */
export async function createSafeStorageCipher(deps: SafeStorageDeps = {}): Promise<SecretCipher> {
  const s = deps.storage ?? safeStorage;
  const platform = deps.platform ?? process.platform;
  const allowWeak = deps.allowWeak ?? (async () => false);
  const backend =
    platform === 'linux'
      ? s.getSelectedStorageBackend()
      : platform === 'darwin'
        ? 'keychain'
        : 'dpapi';
  const safe = s.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';

  // In Electron 40, isEncryptionAvailable() stays false for `basic_text` until
  // setUsePlainTextEncryption(true) (electron_api_safe_storage.cc: `use_password_v10`), and
  // encryptString/decryptString throw while it is false. Switch only once the user opted in.
  const ready = async (): Promise<void> => {
    if (s.isEncryptionAvailable()) return;
    if (platform === 'linux' && backend === 'basic_text' && (await allowWeak())) {
      s.setUsePlainTextEncryption(true);
      if (s.isEncryptionAvailable()) return;
    }
    throw new KeelError('SECRET_STORE_UNAVAILABLE', 'the OS keychain is not available');
  };
  return {
    backend,
    safe,
    async encrypt(plain) {
      await ready();
      return s.encryptString(plain).toString('base64');
    },
    async decrypt(sealed) {
      await ready();
      return s.decryptString(Buffer.from(sealed, 'base64'));
    },
  };
}
