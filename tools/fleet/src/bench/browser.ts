/**
 * Terminal start: the terminal page opened in Chromium (playwright-core, Debian's /usr/bin/chromium)
 * until its home screen is interactive, on a fresh profile each time; and the size of its JavaScript.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { summarise } from '../sim/stats';

/** Chromium's flags on this machine (no sandbox in containers, no GPU); tests/helpers/browser.ts adds fake media. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TERMINAL_WEB_DIR = path.resolve(__dirname, '../../../../apps/terminal/dist/web');

export interface BundleSize {
  files: { name: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

/** Every script the terminal page loads, raw and gzipped (level 9, what a server would send). */
export function terminalBundleSize(dir = TERMINAL_WEB_DIR): BundleSize {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((name) => {
      const data = fs.readFileSync(path.join(dir, name));
      return { name, bytes: data.length, gzipBytes: zlib.gzipSync(data, { level: 9 }).length };
    });
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
  };
}

export interface StartResult {
  runs: number;
  /** page.goto → the home screen's buttons visible and enabled. */
  toInteractive: ReturnType<typeof summarise>;
  /** Baseline: page.goto → load of a tiny page from the same hub in the same browser. */
  blankPage: ReturnType<typeof summarise>;
}

export async function terminalStart(hub: string, credential: string, runs = 5): Promise<StartResult> {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const interactive: number[] = [];
  const blank: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 720 },
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
      });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${hub}/healthz`, { waitUntil: 'load' });
      const t1 = performance.now();
      await page.goto(`${hub}/terminal/#credential=${credential}`, { waitUntil: 'commit' });
      await page.getByTestId('home-screen').waitFor({ state: 'visible', timeout: 30_000 });
      await page.getByTestId('home-checkin').waitFor({ state: 'visible', timeout: 30_000 });
      const t2 = performance.now();
      if (!(await page.getByTestId('home-checkin').isEnabled()))
        throw new Error('home screen shown but its buttons are disabled');
      // The first run warms Chromium itself (process start, fonts): not counted.
      if (i > 0) {
        blank.push(t1 - t0);
        interactive.push(t2 - t1);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { runs, toInteractive: summarise(interactive), blankPage: summarise(blank) };
}
