import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageCipher, type SafeStorageLike } from './safe-storage-cipher';

// No Electron binary here: the module's default import is replaced; every test passes its fake.
vi.mock('electron', () => ({ safeStorage: {} }));

/**
 * A fake `safeStorage` that behaves as Electron 40.8's does on Linux with no keyring
 * (shell/browser/api/electron_api_safe_storage.cc in electron/electron v40, and
 * docs/api/safe-storage.md): the backend is `basic_text`; `isEncryptionAvailable()` is false
 * for it until `setUsePlainTextEncryption(true)`; `encryptString` / `decryptString` throw
 * "Encryption is not available." while it is false. There is no async API in this release.
 */
function fakeBasicText(): SafeStorageLike & { plainText: boolean } {
  const f = {
    plainText: false,
    getSelectedStorageBackend: () => 'basic_text' as const,
    isEncryptionAvailable: () => f.plainText,
    setUsePlainTextEncryption(v: boolean) {
      f.plainText = v;
    },
    encryptString(plain: string): Buffer {
      if (!f.isEncryptionAvailable())
        throw new Error(
          'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
        );
      return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8')]);
    },
    decryptString(data: Buffer): string {
      if (!f.isEncryptionAvailable())
        throw new Error(
          'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
        );
      return data.subarray(3).toString('utf8');
    },
  };
  return f;
}

describe('safeStorage cipher on Linux without a keyring (basic_text)', () => {
  it('after the opt-in, seals and opens a password', async () => {
    const storage = fakeBasicText();
    const c = await createSafeStorageCipher({
      storage,
      platform: 'linux',
      allowWeak: async () => true,
    });
    expect(c).toMatchObject({ backend: 'basic_text', safe: false });
    const sealed = await c.encrypt('s3cret');
    expect(await c.decrypt(sealed)).toBe('s3cret');
  });

  it('opens a password stored in an earlier run once the opt-in is read again', async () => {
    const first = await createSafeStorageCipher({
      storage: fakeBasicText(),
      platform: 'linux',
      allowWeak: async () => true,
    });
    const sealed = await first.encrypt('s3cret');
    const next = await createSafeStorageCipher({
      storage: fakeBasicText(),
      platform: 'linux',
      allowWeak: async () => true,
    });
    expect(await next.decrypt(sealed)).toBe('s3cret');
  });

  it('without the opt-in never switches to the plain-text key and refuses to seal', async () => {
    const storage = fakeBasicText();
    const c = await createSafeStorageCipher({
      storage,
      platform: 'linux',
      allowWeak: async () => false,
    });
    await expect(c.encrypt('s3cret')).rejects.toMatchObject({ code: 'SECRET_STORE_UNAVAILABLE' });
    expect(storage.plainText).toBe(false);
  });
});
