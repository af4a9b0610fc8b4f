// Ordinary mishaps during a video call, each ending in a defined state within the grace period: the
// call resumes (video both ways again), or it ends on both sides with a clear message — 「電話が切れました」
// on the terminal, the reason in words in the console. Two real Chromium pages (fake cameras), one
// real hub whose clock the test moves past the grace period. Screenshots of both sides go to
// SCREENSHOT_DIR/mishap-*.png. (Network drops: calls-network.test.ts.)
import type { Page } from 'playwright-core';
import { RECONNECT_GRACE_MS } from '../../apps/hub/src/modules/calls/service';
import { screenshot } from '../helpers/browser';
import {
  answerInConsole,
  callShop,
  demoMarket,
  framesOf,
  lastCall,
  marketCall,
  marketSuite,
  staffRoom,
  stillFlowing,
  untilGone,
  videoBothWays,
} from '../helpers/calls';
import { openConsole, openTerminal, type PageOptions, tapTo } from '../helpers/pages';

jest.setTimeout(240_000);

const { suite, clock } = marketSuite();

const userId = async (username: string) => (await suite.hub.hub.stores.accounts.userByUsername(username))!.id;
const openCalls = (page: Page) =>
  page.goto(`${suite.hub.url}/console/#/calls`).then(() => page.getByTestId('calls-page').waitFor());

/** A resident (demo terminal `n`) in a video call with shop1 in the console. */
const inCall = (n: number, terminal: PageOptions = {}) => marketCall(suite, n, { terminal });

test('the terminal camera is slow to start: the operator’s first offer is not lost, video flows both ways', async () => {
  // The console makes its offer as soon as its own camera is on; the terminal's camera takes 3 s.
  const slowCamera = () => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (c) => new Promise((r) => setTimeout(r, 3000)).then(() => original(c));
  };
  const { terminal, operator } = await inCall(0, { initScript: slowCamera });
  await videoBothWays(terminal, operator);
  await screenshot(terminal, 'mishap-slow-camera-terminal');
  await operator.getByTestId('call-hang-up').click();
  await terminal.getByTestId('call-ended').waitFor({ timeout: 10_000 });
});

test('the terminal is reloaded mid-call: the call comes back on its own, with video both ways', async () => {
  const { resident, terminal, operator } = await inCall(1);
  await videoBothWays(terminal, operator);

  await terminal.reload();
  // Never "on another call": the terminal finds its call again and shows it.
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 20_000 });
  await framesOf(terminal, 'call-remote-video');
  await stillFlowing(operator, 'console-remote-video');
  await expect(terminal.getByText('いま、ほかの電話をしています').count()).resolves.toBe(0);
  await screenshot(terminal, 'mishap-reload-terminal');
  await screenshot(operator, 'mishap-reload-console');
  expect((await lastCall(suite.hub, resident.householdId)).status).toBe('connected');

  // The operator ends it: the terminal says the call was cut, and by whom, until the resident taps.
  await operator.getByTestId('call-hang-up').click();
  await terminal.getByTestId('call-ended').waitFor({ timeout: 10_000 });
  await expect(terminal.getByTestId('call-ended').textContent()).resolves.toContain('電話が切れました');
  await terminal.getByTestId('call-ended-ok').click();
  await terminal.getByTestId('home-screen').waitFor();
});

test('the operator closes the tab: back within the grace period the call resumes; gone longer, both sides end it', async () => {
  const { resident, terminal, operator } = await inCall(2);
  await videoBothWays(terminal, operator);
  const context = operator.context();

  // Closed and opened again at once (same browser, still signed in): the call is on the new tab.
  await operator.close();
  await untilGone(suite.hub, 'staff', staffRoom(await userId('shop1')));
  const reopened = await context.newPage();
  await openCalls(reopened);
  await reopened.getByTestId('call-active').waitFor({ timeout: 15_000 });
  await framesOf(reopened, 'console-remote-video');
  await stillFlowing(terminal, 'call-remote-video');
  await screenshot(reopened, 'mishap-tab-reopened-console');
  await screenshot(terminal, 'mishap-tab-reopened-terminal');

  // Closed for longer than the grace period: the call ends on both sides, with the reason.
  await reopened.close();
  await untilGone(suite.hub, 'staff', staffRoom(await userId('shop1')));
  clock.advance(RECONNECT_GRACE_MS + 1_000);
  await terminal.getByTestId('call-ended').waitFor({ timeout: 10_000 });
  await expect(terminal.getByTestId('call-ended').textContent()).resolves.toContain('電話が切れました');
  await screenshot(terminal, 'mishap-tab-closed-terminal');
  expect(await lastCall(suite.hub, resident.householdId)).toEqual({ status: 'ended', end_reason: 'connection_lost' });

  const later = await context.newPage();
  await openCalls(later);
  await later.getByTestId('call-ended').waitFor({ timeout: 10_000 });
  await expect(later.getByTestId('call-ended').textContent()).resolves.toContain('接続が切れた');
  await expect(later.getByTestId('call-active').count()).resolves.toBe(0);
  await screenshot(later, 'mishap-tab-closed-console');
  await terminal.getByTestId('call-ended-ok').click();
  await terminal.getByTestId('home-screen').waitFor();
});

test('a second console tab shows the live call, and does not start a second one', async () => {
  const resident = suite.hub.demo.terminals[3]!;
  const terminal = await openTerminal(suite, { credential: resident.credential });
  const first = await openConsole(suite, 'shop1', { route: 'calls', waitFor: 'calls-page' });
  const second = await first.context().newPage();
  await openCalls(second);

  await callShop(terminal, demoMarket(suite.hub));
  await answerInConsole(first);
  await videoBothWays(terminal, first);
  // The other tab stops ringing and says where the call is; it has no camera or peer of its own.
  await second.getByTestId('call-elsewhere').waitFor({ timeout: 10_000 });
  await expect(second.getByTestId('call-ringing').count()).resolves.toBe(0);
  await expect(second.getByTestId('console-self-video').count()).resolves.toBe(0);
  await stillFlowing(first, 'console-remote-video');
  await stillFlowing(terminal, 'call-remote-video');
  await screenshot(second, 'mishap-second-tab-console');
  await screenshot(first, 'mishap-second-tab-first-console');

  // A tab opened during the call shows it too (and still only one peer).
  const third = await first.context().newPage();
  await openCalls(third);
  await third.getByTestId('call-elsewhere').waitFor({ timeout: 10_000 });
  await stillFlowing(terminal, 'call-remote-video');

  // The call with video is closed: the other tab takes the call over, video and all.
  await first.close();
  await second.getByTestId('call-active').waitFor({ timeout: 15_000 });
  await framesOf(second, 'console-remote-video');
  await stillFlowing(terminal, 'call-remote-video');
  await third.getByTestId('call-elsewhere').waitFor();

  await tapTo(terminal, 'call-hang-up', 'home-screen');
  await second.getByTestId('call-ended').waitFor();
  await third.getByTestId('call-ended').waitFor();
  await expect(second.getByTestId('call-ended').textContent()).resolves.toContain('住民が電話を切りました');
});
