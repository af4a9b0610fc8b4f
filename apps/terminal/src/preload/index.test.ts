import * as path from 'node:path';
import { build } from 'esbuild';
import { APP_VERSION_ARG_PREFIX, IpcChannel } from '../common/ipc';

const exposed: Record<string, unknown> = {};
const invoke = jest.fn();
// The real `electron` module cannot load under Node; the preload only needs these two objects.
jest.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke: (...args: unknown[]) => invoke(...args) },
}));

describe('preload bridge', () => {
  beforeAll(() => {
    process.argv.push(`${APP_VERSION_ARG_PREFIX}2.0.1`);
    require('./index');
  });
  beforeEach(() => invoke.mockReset());
  const bridge = () => exposed.terminal as import('../common/ipc').TerminalBridge;

  it('exposes exactly one frozen object, window.terminal, with no ipcRenderer in it', () => {
    expect(Object.keys(exposed)).toEqual(['terminal']);
    expect(Object.isFrozen(bridge())).toBe(true);
    expect(Object.keys(bridge()).sort()).toEqual(
      [
        'appVersion',
        'clearCredential',
        'getCredential',
        'getHubUrl',
        'getRememberedProfile',
        'rememberProfile',
        'restartApp',
        'setCredential',
        'setAlertVolume',
        'setKeepAwake',
        'takeEnrollmentCode',
      ].sort(),
    );
    expect(bridge().appVersion).toBe('2.0.1');
  });

  it('forwards only the declared arguments and unwraps replies', async () => {
    invoke.mockResolvedValue({ ok: true, data: undefined });
    await bridge().setKeepAwake('call', true);
    expect(invoke).toHaveBeenCalledWith(IpcChannel.setKeepAwake, 'call', true);
    await bridge().setAlertVolume(true);
    expect(invoke).toHaveBeenCalledWith(IpcChannel.setAlertVolume, true);
    invoke.mockResolvedValue({ ok: true, data: 'cred' });
    await expect(bridge().getCredential()).resolves.toBe('cred');
    expect(invoke).toHaveBeenLastCalledWith(IpcChannel.getCredential);
  });

  it('turns a refusal into an Error with a code', async () => {
    invoke.mockResolvedValue({ ok: false, error: { code: 'ENCRYPTION_UNAVAILABLE', message: 'no keyring' } });
    await expect(bridge().setCredential('x')).rejects.toMatchObject({
      message: 'no keyring',
      code: 'ENCRYPTION_UNAVAILABLE',
    });
  });

  it('bundles into a file that requires nothing but electron (sandboxed preloads cannot load local files)', async () => {
    const result = await build({
      entryPoints: [path.join(__dirname, 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
  });
});
