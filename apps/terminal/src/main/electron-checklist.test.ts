/**
 * The items of Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security)
 * not already covered by security.test.ts, ipc.test.ts, kiosk.test.ts, config.test.ts and
 * after-pack.test.ts. docs/security.md maps every checklist item to the test that covers it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { kioskWindowOptions } from './security';

const TERMINAL = path.resolve(__dirname, '../..');

function sources(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
      out.push({ file: path.relative(TERMINAL, p), text: fs.readFileSync(p, 'utf8') });
  }
  return out;
}

const MAIN_AND_PRELOAD = [...sources(path.join(TERMINAL, 'src/main')), ...sources(path.join(TERMINAL, 'src/preload'))];

describe("Electron's security checklist", () => {
  const prefs = kioskWindowOptions({ preloadPath: '/app/preload.js', appVersion: '1', devTools: false })
    .webPreferences!;

  it('#9 no experimental features and #10 no enableBlinkFeatures', () => {
    expect(prefs.experimentalFeatures).not.toBe(true);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(MAIN_AND_PRELOAD.filter((s) => /experimentalFeatures\s*:\s*true|enableBlinkFeatures/.test(s.text))).toEqual(
      [],
    );
  });

  it('#2 no Node.js in workers either, and #4 the sandbox is not switched off anywhere', () => {
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(
      MAIN_AND_PRELOAD.filter((s) => /sandbox\s*:\s*false|--no-sandbox|nodeIntegration\s*:\s*true/.test(s.text)),
    ).toEqual([]);
  });

  it('#15 never shell.openExternal, and no remote module', () => {
    const offenders = MAIN_AND_PRELOAD.filter((s) =>
      /openExternal|@electron\/remote|enableRemoteModule|require\(['"]electron['"]\)\.remote/.test(s.text),
    ).map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('#18 no file:// pages: the window loads the hub; the only local page is an inert data: URL for fatal errors', () => {
    const offenders = MAIN_AND_PRELOAD.filter((s) => /loadFile\(|['"`]file:\/\//.test(s.text)).map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('#20 the preload exposes one frozen object through contextBridge and never ipcRenderer itself', () => {
    const preload = MAIN_AND_PRELOAD.filter((s) => s.file.startsWith('src/preload'));
    const text = preload.map((s) => s.text).join('\n');
    expect(text.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(text).toMatch(/Object\.freeze\(/);
    // Only `invoke` on named channels: no send/on that would let the page listen to main.
    expect(text).not.toMatch(/ipcRenderer\.(send|on|once|sendSync|postMessage)\(/);
  });

  it('#16 a supported Electron: the installed version is the declared one, and recent', () => {
    const declared =
      JSON.parse(fs.readFileSync(path.join(TERMINAL, 'package.json'), 'utf8')).devDependencies?.electron ??
      JSON.parse(fs.readFileSync(path.join(TERMINAL, 'package.json'), 'utf8')).dependencies?.electron;
    const installed = JSON.parse(
      fs.readFileSync(require.resolve('electron/package.json', { paths: [TERMINAL] }), 'utf8'),
    ).version as string;
    const major = (v: string) => Number(/(\d+)/.exec(v)?.[1]);
    expect(major(installed)).toBe(major(declared));
    // Electron supports the latest three majors; 45 was current when this was written.
    expect(major(installed)).toBeGreaterThanOrEqual(45);
  });
});
