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
  label: string;
  runs: number;
  /** page.goto → the home screen visible and its check-in button visible and enabled (one wait, homeInteractive). */
  toInteractive: ReturnType<typeof summarise>;
  /** Baseline: page.goto → load of a tiny page from the same hub in the same browser. */
  blankPage: ReturnType<typeof summarise>;
  /**
   * Where the time went (p50 of each, ms from the navigation): the HTML, the scripts the page
   * needed before DOMContentLoaded, the app's first line running, its socket connected and its profile in (the
   * renderer's User Timing marks terminal:script, terminal:connected and terminal:profile).
   */
  phases: {
    htmlMs: number;
    scriptsMs: number;
    scriptFiles: number;
    domContentLoadedMs: number;
    scriptStartMs: number;
    connectedMs: number;
    /** The first connection attempt began (terminal:connecting). */
    connectingMs: number;
    /** The terminal's profile arrived (terminal:profile): home can be drawn. */
    profileMs: number;
    /** Home drawn (terminal:home). */
    homeMs: number;
  };
}

/**
 * A build of the page and how it reaches Chromium: `dir` null = from the hub; otherwise — as in
 * the kiosk (apps/terminal main/packaged-renderer.ts, the same handler) — from those files on
 * disk, the socket still going to the hub.
 */
export interface PageVariant {
  label: string;
  dir: string | null;
}

type Context = Awaited<ReturnType<Awaited<ReturnType<typeof launch>>['newContext']>>;
type Page = Awaited<ReturnType<Context['newPage']>>;

async function launch() {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Serves `${hub}/terminal/…` from dir with the kiosk's own handler (apps/terminal/dist/main). */
async function servePackaged(context: Context, hub: string, dir: string): Promise<void> {
  const file = path.resolve(__dirname, '../../../../apps/terminal/dist/main/packaged-renderer.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createPackagedRendererHandler } = require(file) as {
    createPackagedRendererHandler: (o: {
      terminalUrl: string;
      hubOrigin: string;
      dir: string;
      fetch: (r: Request) => Promise<Response>;
    }) => (r: Request) => Promise<Response>;
  };
  const handler = createPackagedRendererHandler({
    terminalUrl: `${hub}/terminal/`,
    hubOrigin: hub,
    dir,
    fetch: () => Promise.reject(new Error('only the page is routed here')),
  });
  await context.route(`${hub}/terminal/**`, async (route) => {
    const res = await handler(new Request(route.request().url()));
    await route.fulfill({
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: Buffer.from(await res.arrayBuffer()),
    });
  });
}

/**
 * Runs in the page on every animation frame until it is true: the home screen is visible, and its
 * check-in button is visible and enabled (what Playwright's locator checks mean: a box of non-zero
 * size, not `visibility: hidden`; not `disabled`, `aria-disabled` or in a disabled fieldset). One
 * wait in the page: the condition is the one the bench always had (two locator waits and
 * `isEnabled`), without the CDP round trips of each check after the page is ready, which are not
 * the page's time. (This package has no DOM types: the page's objects are typed here.)
 */
function homeInteractive(): boolean {
  type Element = {
    getBoundingClientRect(): { width: number; height: number };
    getAttribute(name: string): string | null;
    closest(selector: string): Element | null;
    disabled?: boolean;
  };
  const page = globalThis as unknown as {
    document: { querySelector(selector: string): Element | null };
    getComputedStyle(e: Element): { visibility: string };
  };
  const visible = (e: Element | null): e is Element => {
    if (!e) return false;
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && page.getComputedStyle(e).visibility !== 'hidden';
  };
  const home = page.document.querySelector('[data-testid="home-screen"]');
  const checkin = page.document.querySelector('[data-testid="home-checkin"]');
  return (
    visible(home) &&
    visible(checkin) &&
    checkin.disabled !== true &&
    checkin.getAttribute('aria-disabled') !== 'true' &&
    checkin.closest('fieldset[disabled]') === null
  );
}

/** What the page writes to its console once home is interactive (signalWhenInteractive). */
const INTERACTIVE = 'tsunagu-bench:interactive';

/**
 * Installed in every document of the context before its own scripts (`addInitScript`): on the
 * terminal's page, checks `interactive` on each animation frame and says so on the console once it
 * holds. Not `page.waitForFunction`: that makes the page compile and run Playwright's injected
 * script (hundreds of KB) on its main thread while its own files load, 50–62 ms of the terminal's
 * start in a Chromium trace of this machine, which the tiny page never pays. The tiny page runs only
 * the path test.
 */
function signalWhenInteractive(interactive: () => boolean, marker: string): void {
  const page = globalThis as unknown as {
    location: { pathname: string };
    requestAnimationFrame(callback: () => void): number;
  };
  if (!page.location.pathname.startsWith('/terminal/')) return;
  const tick = () => {
    if (interactive()) console.debug(marker);
    else page.requestAnimationFrame(tick);
  };
  page.requestAnimationFrame(tick);
}

const signalScript = `(${signalWhenInteractive})(${homeInteractive}, ${JSON.stringify(INTERACTIVE)})`;

/** Resolves when the page says home is interactive (signalWhenInteractive); asked for before its page.goto. */
const homeInteractiveSaid = (page: Page) =>
  page.waitForEvent('console', { predicate: (m) => m.text() === INTERACTIVE, timeout: 30_000 });

const newContext = (browser: Awaited<ReturnType<typeof launch>>, options: { serviceWorkers?: 'block' } = {}) =>
  browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', ...options });

/**
 * How the terminal starts: `cold`, a fresh browser profile (nothing stored but the credential the
 * link brings); `restart`, the kiosk restarting — in the same browser profile, one start first (the
 * terminal stores what it keeps: credential, language, the household's profile), then the HTTP
 * cache cleared (CDP `Network.clearBrowserCache`) so only the terminal's own stored state remains,
 * then the measured start, without the link. No service worker in a restart (the kiosk registers
 * none; in a plain browser its precache would serve the files instead of the hub).
 */
export type StartMode = 'cold' | 'restart';

/** The terminal page served by the hub (the full bench's figure 6). */
export async function terminalStart(hub: string, credential: string, runs = 5): Promise<StartResult> {
  const [r] = await terminalStarts(hub, credential, runs, [{ label: 'hub', dir: null }]);
  return r!;
}

/** Each variant `runs` times, interleaved (so a change in the machine's load falls on all alike). */
export async function terminalStarts(
  hub: string,
  credential: string,
  runs: number,
  variants: PageVariant[],
  mode: StartMode = 'cold',
): Promise<StartResult[]> {
  const browser = await launch();
  type Run = {
    blank: number;
    interactive: number;
    html: number;
    scripts: number;
    files: number;
    dcl: number;
    script: number;
    connected: number;
    profile: number;
    home: number;
    connecting: number;
  };
  const seen: Run[][] = variants.map(() => []);
  try {
    for (let i = 0; i < runs + 1; i++) {
      for (const [v, variant] of variants.entries()) {
        const context = await newContext(browser, mode === 'restart' ? { serviceWorkers: 'block' } : {});
        await context.addInitScript({ content: signalScript });
        if (variant.dir) await servePackaged(context, hub, variant.dir);
        const page = await context.newPage();
        if (mode === 'restart') {
          await Promise.all([
            homeInteractiveSaid(page),
            page.goto(`${hub}/terminal/#credential=${credential}`, { waitUntil: 'commit' }),
          ]);
          // Left before the tiny page is timed, so its figure does not carry the terminal's unload.
          await page.goto('about:blank');
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.clearBrowserCache');
          await cdp.detach();
        }
        const t0 = performance.now();
        await page.goto(`${hub}/healthz`, { waitUntil: 'load' });
        const t1 = performance.now();
        const url = mode === 'restart' ? `${hub}/terminal/` : `${hub}/terminal/#credential=${credential}`;
        await Promise.all([homeInteractiveSaid(page), page.goto(url, { waitUntil: 'commit' })]);
        const t2 = performance.now();
        const timing = await page.evaluate(() => {
          // Runs in the page (this package has no DOM types): Navigation, Resource and User Timing.
          type Entry = { name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd?: number };
          const entries = (type: string) =>
            globalThis.performance.getEntriesByType(type as 'mark') as unknown as Entry[];
          const nav = entries('navigation')[0]!;
          const dcl = nav.domContentLoadedEventEnd ?? 0;
          // Not the other screens' chunks, fetched once home is up.
          const scripts = entries('resource').filter((e) => e.name.endsWith('.js') && e.responseEnd <= dcl);
          const mark = (name: string) => entries('mark').find((e) => e.name === name)?.startTime ?? Number.NaN;
          return {
            html: nav.responseEnd,
            dcl,
            scripts: Math.max(0, ...scripts.map((e) => e.responseEnd)),
            files: scripts.length,
            script: mark('terminal:script'),
            connected: mark('terminal:connected'),
            profile: mark('terminal:profile'),
            home: mark('terminal:home'),
            connecting: mark('terminal:connecting'),
          };
        });
        // The first round warms Chromium itself (process start, fonts): not counted.
        if (i > 0) seen[v]!.push({ blank: t1 - t0, interactive: t2 - t1, ...timing });
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return variants.map((variant, v) => {
    const runsOf = seen[v]!;
    const p50 = (k: keyof Run) => Math.round(summarise(runsOf.map((r) => r[k]).filter((x) => !Number.isNaN(x))).p50);
    return {
      label: variant.label,
      runs,
      toInteractive: summarise(runsOf.map((r) => r.interactive)),
      blankPage: summarise(runsOf.map((r) => r.blank)),
      phases: {
        htmlMs: p50('html'),
        scriptsMs: p50('scripts'),
        scriptFiles: p50('files'),
        domContentLoadedMs: p50('dcl'),
        scriptStartMs: p50('script'),
        connectedMs: p50('connected'),
        profileMs: p50('profile'),
        homeMs: p50('home'),
        connectingMs: p50('connecting'),
      },
    };
  });
}

/**
 * The kiosk restarting during an outage (terminal-disaster test (a)): the packaged page with the
 * hub not answering, page.goto → the offline screen. `hub` is an address nothing listens on.
 */
export async function offlineStarts(
  hub: string,
  credential: string,
  runs: number,
  dirs: string[],
): Promise<ReturnType<typeof summarise>[]> {
  const browser = await launch();
  const times: number[][] = dirs.map(() => []);
  try {
    for (let i = 0; i < runs + 1; i++) {
      for (const [d, dir] of dirs.entries()) {
        const context = await newContext(browser);
        await servePackaged(context, hub, dir);
        const page = await context.newPage();
        const t0 = performance.now();
        await page.goto(`${hub}/terminal/#credential=${credential}`, { waitUntil: 'commit' });
        await page.getByTestId('offline-screen').waitFor({ state: 'visible', timeout: 30_000 });
        if (i > 0) times[d]!.push(performance.now() - t0);
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return times.map((t) => summarise(t));
}
