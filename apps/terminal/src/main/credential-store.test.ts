import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcErrorCode } from '../common/ipc';
import { createCredentialStore, type SafeStorageLike } from './credential-store';
import { createEnrollmentCodeSource } from './enrollment-code';

/** Stands in for the OS keyring: a reversible transform that never leaves the plaintext visible. */
function fakeSafeStorage(available = true, backend: 'gnome_libsecret' | 'basic_text' = 'gnome_libsecret') {
  const key = 0x5a;
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => Buffer.concat([Buffer.from('v11'), Buffer.from(plain).map((b) => b ^ key)]),
    decryptString: (bytes: Buffer) => Buffer.from(bytes.subarray(3).map((b) => b ^ key)).toString(),
  } satisfies SafeStorageLike;
}

describe('credential store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-cred-'));
    file = path.join(dir, 'userData', 'credential.bin');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes only encrypted bytes, readable only by the owner, and reads them back', () => {
    const store = createCredentialStore({
      safeStorage: fakeSafeStorage(),
      file,
      allowBasicText: false,
      platform: 'linux',
    });
    expect(store.get()).toBeNull();
    store.set('tsu_credential_abc123');
    const onDisk = fs.readFileSync(file);
    expect(onDisk.includes(Buffer.from('tsu_credential_abc123'))).toBe(false);
    expect(onDisk.subarray(0, 3).toString()).toBe('v11');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['credential.bin']);
    expect(store.get()).toBe('tsu_credential_abc123');
    store.clear();
    expect(store.get()).toBeNull();
    expect(() => store.clear()).not.toThrow();
  });

  it('refuses to store anything when encryption is unavailable', () => {
    const store = createCredentialStore({
      safeStorage: fakeSafeStorage(false),
      file,
      allowBasicText: true,
      platform: 'linux',
    });
    expect(() => store.set('secret')).toThrow(expect.objectContaining({ code: IpcErrorCode.ENCRYPTION_UNAVAILABLE }));
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses the basic_text backend unless the config accepts it', () => {
    const strict = createCredentialStore({
      safeStorage: fakeSafeStorage(true, 'basic_text'),
      file,
      allowBasicText: false,
      platform: 'linux',
    });
    expect(() => strict.set('secret')).toThrow(/allowBasicTextSecrets/);
    expect(fs.existsSync(file)).toBe(false);
    const lenient = createCredentialStore({
      safeStorage: fakeSafeStorage(true, 'basic_text'),
      file,
      allowBasicText: true,
      platform: 'linux',
    });
    lenient.set('secret');
    expect(fs.readFileSync(file).includes(Buffer.from('secret'))).toBe(false);
  });
});

describe('enrollment code source', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-code-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands a provisioned code over once', () => {
    const file = path.join(dir, 'enrollment-code');
    fs.writeFileSync(file, '12345678\n');
    const source = createEnrollmentCodeSource(file);
    expect(source.take()).toBe('12345678');
    expect(source.take()).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('drops a malformed code', () => {
    const file = path.join(dir, 'enrollment-code');
    fs.writeFileSync(file, '1234');
    const log = jest.fn();
    expect(createEnrollmentCodeSource(file, log).take()).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    expect(log).toHaveBeenCalled();
  });
});
