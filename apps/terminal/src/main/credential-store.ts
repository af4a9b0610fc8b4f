/**
 * The device credential at rest: only ever the bytes `safeStorage` produced, in a 0600 file under
 * userData. When the OS cannot encrypt, the store refuses instead of quietly writing plaintext.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SafeStorage } from 'electron';
import { IpcErrorCode } from '../common/ipc';
import { IpcError } from './ipc';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface CredentialStoreOptions {
  safeStorage: SafeStorageLike;
  /** e.g. `path.join(app.getPath('userData'), 'credential.bin')`. */
  file: string;
  /** See `allowBasicTextSecrets` in config.ts. */
  allowBasicText: boolean;
  platform?: NodeJS.Platform;
}

export const CREDENTIAL_FILE_NAME = 'credential.bin';
/** The household's remembered profile (renderer's JSON), stored the same way, beside the credential. */
export const PROFILE_FILE_NAME = 'profile.bin';

export function createCredentialStore(options: CredentialStoreOptions) {
  const { safeStorage, file, allowBasicText, platform = process.platform } = options;

  const assertEncryption = () => {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new IpcError(
        IpcErrorCode.ENCRYPTION_UNAVAILABLE,
        'The operating system cannot encrypt the credential, so it was not stored.',
      );
    }
    // On Linux `basic_text` encrypts with a key that ships inside Electron: obfuscation, not secrecy.
    const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
    if ((backend === 'basic_text' || backend === 'unknown') && !allowBasicText) {
      throw new IpcError(
        IpcErrorCode.ENCRYPTION_UNAVAILABLE,
        `No OS keyring is available (safeStorage backend "${backend}"). Set "allowBasicTextSecrets": true in the terminal config to accept this.`,
      );
    }
  };

  return {
    get(): string | null {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      assertEncryption();
      return safeStorage.decryptString(bytes);
    },
    set(credential: string): void {
      assertEncryption();
      const encrypted = safeStorage.encryptString(credential);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Write then rename, so a power cut mid-write never leaves a half credential behind.
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, encrypted, { mode: 0o600 });
      fs.renameSync(temporary, file);
    },
    clear(): void {
      fs.rmSync(file, { force: true });
    },
  };
}
export type CredentialStore = ReturnType<typeof createCredentialStore>;
