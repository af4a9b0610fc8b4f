// What the call browser tests do again and again: a resident calls a shop from the terminal, the
// operator answers in the console, video is checked to flow (decoded frames), and the hub is asked
// whether it has seen a party go away before its clock is moved past the grace period.
import type { Page } from 'playwright-core';
import { FakeClock } from '../../apps/hub/src/lib/clock';
import { rooms } from '../../apps/hub/src/plugins/socket';
import type { TestHub } from './hub';
import { type BrowserSuite, browserSuite, openConsole, openTerminal, type PageOptions } from './pages';

/** Resolves once the video `testId` shows real frames (a decoded picture, more than a few frames). */
export function framesOf(page: Page, testId: string, timeout = 30_000): Promise<unknown> {
  return page.waitForFunction(
    (id) => {
      const v = document.querySelector(`[data-testid="${id}"]`) as HTMLVideoElement | null;
      return !!v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 5;
    },
    testId,
    { timeout, polling: 250 },
  );
}

/**
 * Resolves once the video `testId` has shown 10 more frames than now: the picture is live, not
 * frozen on its last frame. A new element or a new stream (frames counted from 0 again) counts too.
 */
export async function stillFlowing(page: Page, testId: string, timeout = 30_000): Promise<void> {
  const mark = await page.evaluate((id) => {
    const v = document.querySelector(`[data-testid="${id}"]`) as HTMLVideoElement | null;
    (window as unknown as { __mark?: unknown }).__mark = { el: v, stream: v?.srcObject ?? null };
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, testId);
  await page.waitForFunction(
    ({ id, start }) => {
      const v = document.querySelector(`[data-testid="${id}"]`) as HTMLVideoElement | null;
      if (!v || v.videoWidth === 0) return false;
      const m = (window as unknown as { __mark: { el: unknown; stream: unknown } }).__mark;
      const frames = v.getVideoPlaybackQuality().totalVideoFrames;
      const fresh = m.el !== v || m.stream !== v.srcObject || frames < start;
      return fresh ? frames > 10 : frames >= start + 10;
    },
    { id: testId, start: mark },
    { timeout, polling: 250 },
  );
}

/** The resident presses the shop's button (through お買い物 when the shops do not fit on home) and waits in line. */
export async function callShop(terminal: Page, shopId: number): Promise<void> {
  await terminal.getByTestId('home-shopping').click();
  await terminal.getByTestId(`shop-${shopId}`).click();
  await terminal.getByTestId('call-waiting').waitFor();
}

/** The operator, on the calls page, says they are available and answers the first ring. */
export async function answerInConsole(operator: Page): Promise<void> {
  await operator.getByTestId('set-available').click();
  await operator.getByTestId('call-ringing').waitFor({ timeout: 15_000 });
  await operator.getByTestId('call-answer').click();
  await operator.getByTestId('call-active').waitFor();
}

/** Both sides see each other: frames on the terminal's and the console's remote video. */
export async function videoBothWays(terminal: Page, operator: Page): Promise<void> {
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await Promise.all([framesOf(terminal, 'call-remote-video'), framesOf(operator, 'console-remote-video')]);
}

/** Waits (in real time) until the hub no longer has a socket in `room`: it has seen the party go. */
export async function untilGone(hub: TestHub, namespace: 'terminals' | 'staff', room: string): Promise<void> {
  const ns = hub.hub.ctx.sockets[namespace];
  for (let i = 0; i < 200; i++) {
    if ((await ns.in(room).fetchSockets()).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the hub still has a socket in ${room}`);
}

export const staffRoom = rooms.user;
export const terminalRoom = rooms.terminal;

/** The latest call of a household as the hub stored it (once what it changed so far is stored). */
export async function lastCall(
  hub: TestHub,
  householdId: number,
): Promise<{ status: string; end_reason: string | null }> {
  await hub.hub.capabilities.calls.committed();
  return hub.hub.ctx.db
    .prepare('SELECT status, end_reason FROM calls WHERE household_id = ? ORDER BY id DESC LIMIT 1')
    .get(householdId) as { status: string; end_reason: string | null };
}

/** Monday 5 January 2026, 10:00 in Tokyo: the demo supermarket is open. */
export const MARKET_OPEN = Date.UTC(2026, 0, 5, 1, 0);

/** The demo city's supermarket (みどりマート), whose operator is `shop1`. */
export const demoMarket = (hub: TestHub): number =>
  hub.hub.stores.shops.directory.list().find((s) => s.name === 'みどりマート')!.id;

/** Each test's pages go when it ends: the next test's operator is signed in on its own tabs only. */
export function closePagesAfterEach(suite: BrowserSuite): void {
  afterEach(async () => {
    for (const c of suite.contexts.splice(0)) await c.close().catch(() => undefined);
  });
}

/** A file whose hub runs on a fake clock that starts with the market open (MARKET_OPEN). */
export function shopsOpenSuite(): { suite: BrowserSuite; clock: FakeClock } {
  const clock = new FakeClock(MARKET_OPEN);
  return { suite: browserSuite({ clock }), clock };
}

/** A file of market calls: the shops open on the hub's fake clock, each test's pages closed after it. */
export function marketSuite(): { suite: BrowserSuite; clock: FakeClock } {
  const market = shopsOpenSuite();
  closePagesAfterEach(market.suite);
  return market;
}

/**
 * Demo terminal `n` calls the market and `shop1` answers on the console's calls page; each side's
 * page may have its own options (a slow camera, another way to the hub).
 */
export async function marketCall(
  suite: BrowserSuite,
  n: number,
  options: { terminal?: PageOptions; console?: PageOptions } = {},
) {
  const resident = suite.hub.demo.terminals[n]!;
  const terminal = await openTerminal(suite, { credential: resident.credential }, options.terminal);
  await callShop(terminal, demoMarket(suite.hub));
  const operator = await openConsole(suite, 'shop1', { route: 'calls', waitFor: 'calls-page', ...options.console });
  await answerInConsole(operator);
  return { resident, terminal, operator };
}
