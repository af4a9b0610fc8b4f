/** Electron entry point: the only file that loads the real `electron` module. Not loaded by tests. */
import * as path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  net,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
} from 'electron';
import { ConfigError, configPathFromEnv, loadConfig } from './config';
import { createKiosk, showFatalError } from './kiosk';

const electron = { app, BrowserWindow, session, ipcMain, powerSaveBlocker, safeStorage, screen, Menu, protocol, net };

async function main(): Promise<void> {
  const configPath = configPathFromEnv(process.env);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[kiosk] ${error.message}`);
    await showFatalError(electron, error.message);
    return;
  }
  await createKiosk(electron, config, {
    preloadPath: path.join(__dirname, '..', 'preload', 'index.js'),
    // The renderer built into the app (scripts/build-web.mjs → dist/web): starts without the hub.
    rendererDir: path.join(__dirname, '..', 'web'),
  });
}

main().catch((error: unknown) => {
  console.error('[kiosk] failed to start', error);
  // Exit non-zero so systemd restarts us (and, failing that, the unit's fallback takes over).
  app.exit(1);
});
