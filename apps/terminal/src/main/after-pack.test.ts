import * as path from 'node:path';
import { createAfterPack, executablePath, type FusesModule, fuseConfig } from './after-pack';
import { PRODUCTION_FUSES } from './fuses';

// Mirrors FuseV1Options of @electron/fuses 1.x.
const fakeFuses = (): FusesModule & { flipFuses: jest.Mock } => ({
  FuseVersion: { V1: '1' },
  FuseV1Options: {
    RunAsNode: 0,
    EnableCookieEncryption: 1,
    EnableNodeOptionsEnvironmentVariable: 2,
    EnableNodeCliInspectArguments: 3,
    EnableEmbeddedAsarIntegrityValidation: 4,
    OnlyLoadAppFromAsar: 5,
    LoadBrowserProcessSpecificV8Snapshot: 6,
    GrantFileProtocolExtraPrivileges: 7,
  },
  flipFuses: jest.fn(async () => 8),
});

describe('production fuses', () => {
  it('turn off the ways to run arbitrary code through the binary', () => {
    expect(PRODUCTION_FUSES).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableCookieEncryption: true,
    });
  });

  it('maps every fuse to its index and requires all of them', () => {
    expect(fuseConfig(fakeFuses())).toEqual({
      version: '1',
      strictlyRequireAllFuses: true,
      0: false,
      1: true,
      2: false,
      3: false,
      4: true,
      5: true,
      6: false,
      7: false,
    });
  });

  it('afterPack flips the fuses in the packaged Linux binary', async () => {
    const fuses = fakeFuses();
    await createAfterPack(() => fuses)({
      appOutDir: '/out/linux-arm64-unpacked',
      electronPlatformName: 'linux',
      packager: { executableName: 'tsunagu-terminal', appInfo: { productFilename: 'Tsunagu Terminal' } },
    });
    expect(fuses.flipFuses).toHaveBeenCalledWith(
      path.join('/out/linux-arm64-unpacked', 'tsunagu-terminal'),
      expect.any(Object),
    );
  });

  it('matches the real @electron/fuses option names', () => {
    const real = jest.requireActual('@electron/fuses') as FusesModule;
    expect(() => fuseConfig(real)).not.toThrow();
    expect(
      executablePath({
        appOutDir: '/o',
        electronPlatformName: 'win32',
        packager: { appInfo: { productFilename: 'T' } },
      }),
    ).toBe(path.join('/o', 'T.exe'));
  });
});
