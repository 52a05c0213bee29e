import { safeStorage } from 'electron';
import { KeelError } from '../../../shared/errors';
import type { SecretCipher } from '../secrets/cipher';

/** The async API (Electron 41+) where present, else the synchronous one; data is compatible. */
interface AsyncSafeStorage {
  isAsyncEncryptionAvailable?: () => Promise<boolean>;
  encryptStringAsync?: (plain: string) => Promise<Buffer>;
  decryptStringAsync?: (data: Buffer) => Promise<{ result: string } | string>;
}

/**
 * Secrets sealed by the OS keychain through Electron safeStorage (Keychain, DPAPI, libsecret,
 * KWallet). On Linux without a keyring the backend is `basic_text`: a hard-coded key that protects
 * nothing, so the cipher reports itself unsafe and storing needs the user's explicit opt-in.
 */
export async function createSafeStorageCipher(): Promise<SecretCipher> {
  const s = safeStorage as typeof safeStorage & AsyncSafeStorage;
  const available = s.isAsyncEncryptionAvailable
    ? await s.isAsyncEncryptionAvailable()
    : s.isEncryptionAvailable();
  const backend =
    process.platform === 'linux'
      ? s.getSelectedStorageBackend()
      : process.platform === 'darwin'
        ? 'keychain'
        : 'dpapi';
  const safe = available && backend !== 'basic_text' && backend !== 'unknown';
  return {
    backend,
    safe,
    async encrypt(plain) {
      if (!available)
        throw new KeelError('SECRET_STORE_UNAVAILABLE', 'the OS keychain is not available');
      const buf = s.encryptStringAsync ? await s.encryptStringAsync(plain) : s.encryptString(plain);
      return buf.toString('base64');
    },
    async decrypt(sealed) {
      const buf = Buffer.from(sealed, 'base64');
      if (s.decryptStringAsync) {
        const r = await s.decryptStringAsync(buf);
        return typeof r === 'string' ? r : r.result;
      }
      return s.decryptString(buf);
    },
  };
}
