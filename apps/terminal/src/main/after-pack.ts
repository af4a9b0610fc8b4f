/**
 * electron-builder `afterPack` hook (see apps/terminal/electron-builder.yml): flips PRODUCTION_FUSES in
 * the packaged Electron binary before it is wrapped into a .deb.
 */
import * as path from 'node:path';
import { type FuseName, PRODUCTION_FUSES } from './fuses';

/** The subset of @electron/fuses (v1) this hook uses. */
export interface FusesModule {
  FuseVersion: { V1: string };
  FuseV1Options: Record<FuseName, number>;
  flipFuses(pathToElectron: string, config: Record<string | number, unknown>): Promise<number>;
}

/** The part of electron-builder's AfterPackContext the hook reads. */
export interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}

export function executablePath(context: AfterPackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.executableName ?? packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  return path.join(appOutDir, electronPlatformName === 'win32' ? `${name}.exe` : name);
}

export function fuseConfig(fuses: FusesModule): Record<string | number, unknown> {
  const config: Record<string | number, unknown> = {
    version: fuses.FuseVersion.V1,
    // Fail the build if Electron adds a fuse we have not decided on, rather than shipping its default.
    strictlyRequireAllFuses: true,
  };
  for (const [name, value] of Object.entries(PRODUCTION_FUSES)) {
    const index = fuses.FuseV1Options[name as FuseName];
    if (index === undefined) throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[index] = value;
  }
  return config;
}

export function createAfterPack(loadFuses: () => FusesModule) {
  return async (context: AfterPackContext): Promise<void> => {
    const fuses = loadFuses();
    const target = executablePath(context);
    await fuses.flipFuses(target, fuseConfig(fuses));
    console.log(`[after-pack] applied production fuses to ${target}`);
  };
}

// Loaded lazily: @electron/fuses is a devDependency present at packaging time, never in the app itself.
export default createAfterPack(() => require('@electron/fuses') as FusesModule);
