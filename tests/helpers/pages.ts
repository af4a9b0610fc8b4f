// What browser tests do again and again: one hub and one Chromium per file, a terminal page enrolled
// or opened by its demo link, a console page signed in, a write through the console's own session,
// and the accessibility checks of a terminal screen.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HubConfig } from '../../apps/hub/src/config';
import type { Clock } from '../../apps/hub/src/lib/clock';
import { as, login, type StaffSession } from '../../apps/hub/src/testing/harness';
import { enrolTwoFactor, secondFactorCode } from '../../apps/hub/src/testing/two-factor';
import { axeViolations, launchBrowser, newContext, screenshot, undersizedTargets } from './browser';
import { startTestHub, type TestHub } from './hub';

export const DEMO_PASSWORD = 'tsunagu-demo';

/** A Tokyo wall time in January 2026 (the 5th is a Monday). */
export const jst = (day: number, h: number, m = 0): number => Date.UTC(2026, 0, day, h - 9, m);

export interface BrowserSuite {
  /** Set before the file's first test. */
  hub: TestHub;
  browser: Browser;
  /** Closed after the file's last test (live sockets a test opened, contexts it kept). */
  sockets: { close(): void }[];
  contexts: BrowserContext[];
}

/** Starts a real hub (the demo city unless told otherwise) and Chromium before the file's tests; stops them after. */
export function browserSuite(
  options: {
    seedDemo?: boolean;
    clock?: Clock;
    /** Read when the hub starts (after the file's earlier beforeAll, e.g. servers the hub must reach). */
    config?: () => Partial<HubConfig>;
  } = {},
): BrowserSuite {
  const suite = { sockets: [], contexts: [] } as unknown as BrowserSuite;
  beforeAll(async () => {
    suite.hub = await startTestHub({ seedDemo: true, ...options, config: options.config?.() });
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of suite.sockets.splice(0)) s.close();
    for (const c of suite.contexts.splice(0)) await c.close().catch(() => undefined);
    await suite.browser?.close();
    await suite.hub?.dispose();
  });
  return suite;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Only where a test must reach past the hub's CSP (a script it injects itself). */
  bypassCSP?: boolean;
  /** Runs in the page before its own scripts (e.g. a fake speech engine). */
  initScript?: () => void;
  /** Where the page reaches the hub, when not directly (e.g. through a TcpProxy that a test cuts). */
  base?: string;
}

/** A page in a fresh context (Japanese, Tokyo time, fake camera and microphone); its errors are logged as `label`. */
export async function openPage(suite: BrowserSuite, label: string, options: PageOptions = {}): Promise<Page> {
  const context = await newContext(suite.browser, options.viewport, 'ja-JP', { bypassCSP: options.bypassCSP });
  suite.contexts.push(context);
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`${label} page error:`, err));
  return page;
}

/** Taps the button `tap` and waits for what it leads to (`shows`). */
export async function tapTo(page: Page, tap: string, shows: string): Promise<void> {
  await page.getByTestId(tap).click();
  await page.getByTestId(shows).waitFor();
}

/** A step of a walk through the screens: a tap, the screen it leads to, and that screen's check (its name). */
export interface Step {
  tap: string;
  shows?: string;
  check?: string;
}

/**
 * Taps through the screens as a person would: each step's button, then the screen it leads to
 * (when the step names one) and its check (`check`, a terminal screen's checks unless told).
 */
export async function walk(
  page: Page,
  steps: readonly Step[],
  check: (page: Page, name: string) => Promise<void> = checkTerminalScreen,
): Promise<void> {
  for (const step of steps) {
    if (step.shows) await tapTo(page, step.tap, step.shows);
    else await page.getByTestId(step.tap).click();
    if (step.check) await check(page, step.check);
  }
}

/** Types the digits on the enrollment keypad. */
export async function typeCode(page: Page, code: string): Promise<void> {
  for (const digit of code) await page.getByTestId(`key-${digit}`).click();
}

/** Enrolls the terminal page on its keypad with a fresh code for `householdId` and waits for home. */
export async function enrollOnKeypad(page: Page, hub: TestHub, householdId?: number): Promise<void> {
  await page.getByTestId('enrollment-screen').waitFor();
  await typeCode(page, await hub.issueEnrollmentCode(householdId));
  await page.getByTestId('enroll-connect').click();
  await page.getByTestId('home-screen').waitFor({ timeout: 20_000 });
}

/**
 * A terminal page on its home screen: enrolled on the keypad for `householdId`, or opened with the demo
 * link of an enrolled terminal (`credential`).
 */
export async function openTerminal(
  suite: BrowserSuite,
  who: { householdId?: number; credential?: string } = {},
  options: PageOptions = {},
): Promise<Page> {
  const page = await openPage(suite, 'terminal', options);
  const base = options.base ?? suite.hub.url;
  if (who.credential) {
    await page.goto(`${base}/terminal/#credential=${who.credential}`);
    await page.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  } else {
    await page.goto(`${base}/terminal/`);
    await enrollOnKeypad(page, suite.hub, who.householdId);
  }
  return page;
}

/**
 * Fills in the console's login form (the page is on it) and submits. With `hub`, also the second
 * step of two-factor sign-in: city hall staff must have it, so one who has not set it up yet is
 * enrolled first (with the tests' authenticator secret, as if they had scanned it), and the
 * authenticator's current code is typed when the console asks for it.
 */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD, hub?: TestHub): Promise<void> {
  const user = await hub?.hub.stores.accounts.userByUsername(username);
  if (hub && user && user.role === 'cityhall' && !user.twoFactorEnabled) await enrolTwoFactor(hub.hub, user.id);
  await page.getByLabel('ユーザー名').fill(username);
  await page.getByLabel('パスワード').fill(password);
  await page.getByTestId('login-submit').click();
  if (!hub || !user?.role || !(await hub.hub.stores.accounts.userByUsername(username))?.twoFactorEnabled) return;
  const code = page.getByTestId('login-code');
  const outcome = await Promise.race([
    code.waitFor().then(() => 'code'),
    page
      .getByTestId('login-error')
      .waitFor()
      .then(() => 'error'),
  ]);
  if (outcome !== 'code') return;
  await code.fill(await secondFactorCode(hub.hub, user.id));
  await page.getByTestId('login-submit').click();
}

// One city-hall session a hub for the announcements tests send (sign-ins are rate-limited per address).
const cityHallSessions = new WeakMap<TestHub, StaffSession>();

/** City hall sends an announcement through the hub's REST API (as its console would); the hub's answer. */
export async function announce(hub: TestHub, payload: Record<string, unknown>) {
  let session = cityHallSessions.get(hub);
  if (!session) {
    session = await login(hub.hub, 'cityhall', DEMO_PASSWORD);
    cityHallSessions.set(hub, session);
  }
  return as(hub.hub, session)({ method: 'POST', url: '/api/announcements', payload });
}

/** The console's sign-in form in a fresh page (axe may run in it: its script is let past the hub's CSP). */
export async function openSignIn(suite: BrowserSuite, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await openPage(suite, 'console', { viewport, bypassCSP: true });
  await page.goto(`${suite.hub.url}/console/`);
  await page.getByTestId('login-page').waitFor();
  return page;
}

/** Signs the console page out and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-page').waitFor();
}

/** A console page signed in as `username` (demo password), on the page `route` (`calls` → #/calls, testid `waitFor`) if given. */
export async function openConsole(
  suite: BrowserSuite,
  username: string,
  options: PageOptions & { route?: string; waitFor?: string } = {},
): Promise<Page> {
  const page = await openPage(suite, 'console', { viewport: { width: 1280, height: 900 }, ...options });
  const base = options.base ?? suite.hub.url;
  await page.goto(`${base}/console/`);
  await page.getByTestId('login-page').waitFor();
  await signIn(page, username, DEMO_PASSWORD, suite.hub);
  await page.getByTestId('signed-in-as').waitFor();
  if (options.route) {
    await page.goto(`${base}/console/#/${options.route}`);
    if (options.waitFor) await page.getByTestId(options.waitFor).waitFor();
  }
  return page;
}

/** A write through the signed-in console page's own session (cookie + CSRF token), as its forms send it; the HTTP status. */
export function postAsConsole(page: Page, url: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ({ url, body }) => {
      const session = await (await fetch('/api/auth/session')).json();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify(body),
      });
      return response.status;
    },
    { url, body },
  );
}

/** A terminal screen as it is: saved as `name`, no axe violations, no target under 120 px (and no scrolling if asked). */
export async function checkTerminalScreen(
  page: Page,
  name: string,
  options: { noScroll?: boolean } = {},
): Promise<void> {
  await page.waitForTimeout(150);
  await screenshot(page, name);
  expect({ name, violations: await axeViolations(page) }).toEqual({ name, violations: [] });
  expect({ name, undersized: await undersizedTargets(page, 120) }).toEqual({ name, undersized: [] });
  if (options.noScroll) {
    const overflow = await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight);
    expect({ name, overflow }).toEqual({ name, overflow: false });
  }
}
