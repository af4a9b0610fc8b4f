// Screens a resident can trust (issue 13, section 3), one real hub and real Chromium pages:
//  - the enrollment keypad: after an error the boxes clear and typing works; a used code says so and
//    never counts toward the lock-out;
//  - a check-in reminder shows on the home screen too (not only spoken), until the resident checks in;
//  - after 助けが必要です the screen says that city hall was told and what happens next;
//  - order messages: one at a time, never over the caller's face during a call, one わかりました per
//    order update at most.
// Each screen is checked like every terminal screen (axe, targets ≥ 120 px) and saved as resident-*.png.
import type { Page } from 'playwright-core';
import type { OrdersService } from '../../apps/hub/src/modules/orders/service';
import { rooms } from '../../apps/hub/src/plugins/socket';
import { enrollTerminal } from '../../apps/hub/src/testing/harness';
import { answerInConsole, callShop, framesOf, shopsOpenSuite } from '../helpers/calls';
import { announce, checkTerminalScreen, openConsole, openPage, openTerminal, typeCode, walk } from '../helpers/pages';

jest.setTimeout(240_000);

const { suite, clock } = shopsOpenSuite();
/** Two households without a demo terminal: one enrolled on the keypad, one whose terminal the later tests use. */
const households = async () => {
  const enrolled = new Set(suite.hub.demo.terminals.map((t) => t.householdId));
  return (await suite.hub.hub.stores.households.list()).filter((h) => !enrolled.has(h.id) && h.language === 'ja');
};
let resident: { terminal: Page; householdId: number } | undefined;
/** The later tests' terminal, on its home screen (enrolled for them, whatever the keypad test did). */
async function residentTerminal() {
  if (!resident) {
    const householdId = (await households())[1]!.id;
    const { credential } = await enrollTerminal(suite.hub.hub, householdId);
    resident = { terminal: await openTerminal(suite, { credential }), householdId };
  }
  return resident;
}

test('enrollment: after an error the boxes clear and typing works; a used code says so and never locks the keypad', async () => {
  const terminal = await openPage(suite, 'terminal');
  const digits = () => terminal.getByTestId('digit-display').getAttribute('data-value');
  await terminal.goto(`${suite.hub.url}/terminal/`);
  await terminal.getByTestId('enrollment-screen').waitFor();

  await typeCode(terminal, '12345678');
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('enroll-error').waitFor();
  await expect(digits()).resolves.toBe('');
  await typeCode(terminal, '4');
  await expect(digits()).resolves.toBe('4');
  await terminal.getByTestId('key-delete').click();

  // A household without a demo terminal; its first code is used by another terminal first.
  const householdId = (await households())[0]!.id;
  const used = await suite.hub.issueEnrollmentCode(householdId);
  await suite.hub.hub.services.terminals.enroll(used, 'the installer’s first try');
  // More tries than the keypad's lock-out allows for wrong codes: a used code is not a guess.
  for (let i = 0; i < 7; i++) {
    await typeCode(terminal, used);
    await terminal.getByTestId('enroll-connect').click();
    await terminal.getByTestId('enroll-error').getByText('もう使われています').waitFor();
    await expect(digits()).resolves.toBe('');
  }
  await expect(terminal.getByTestId('enroll-error').textContent()).resolves.not.toContain('休んでいます');
  await checkTerminalScreen(terminal, 'resident-enroll-used');

  await typeCode(terminal, await suite.hub.issueEnrollmentCode(householdId));
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('home-screen').waitFor({ timeout: 20_000 });
});

test('a check-in reminder shows on the home screen until the resident checks in', async () => {
  const { terminal, householdId } = await residentTerminal();
  const terminalId = (await suite.hub.hub.stores.households.get(householdId))!.terminal!.id;
  suite.hub.hub.ctx.sockets.terminals.to(rooms.terminal(terminalId)).emit('checkin:reminder', {
    stage: 'before',
    day: '2026-01-05',
    deadline: new Date(clock.now() + 30 * 60_000).toISOString(),
    minutesLeft: 30,
  });
  const reminder = terminal.getByTestId('home-checkin-reminder');
  await reminder.waitFor({ timeout: 10_000 });
  await expect(reminder.textContent()).resolves.toContain('今日の「元気です」がまだです');
  await checkTerminalScreen(terminal, 'resident-home-reminder');

  await walk(terminal, [
    { tap: 'home-checkin' },
    { tap: 'checkin-press' },
    { tap: 'checkin-mood-skip' },
    { tap: 'back', shows: 'home-screen' },
  ]);
  await expect(reminder.count()).resolves.toBe(0);
});

test('after 助けが必要です the screen says city hall was told and what happens next', async () => {
  const { terminal, householdId } = await residentTerminal();
  const sent = await announce(suite.hub, {
    kind: 'emergency',
    safetyCheck: true,
    titleJa: '地震の安否確認',
    bodyJa: '震度6弱の地震がありました。けがはありませんか。',
    target: { type: 'households', householdIds: [householdId] },
  });
  expect(sent.statusCode).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await terminal.getByTestId('emergency-need-help').click();
  const told = terminal.getByTestId('help-requested');
  await told.waitFor({ timeout: 10_000 });
  await expect(told.textContent()).resolves.toContain('市役所に知らせました');
  await expect(told.textContent()).resolves.toContain('連絡します');
  await checkTerminalScreen(terminal, 'resident-help-requested');
  await terminal.getByTestId('help-requested-ok').click();
  // Home keeps saying it, for as long as the safety check is on the terminal.
  await terminal.getByTestId('home-help-requested').waitFor();
  await checkTerminalScreen(terminal, 'resident-home-help-requested');
});

test('order messages during a call: one at a time, beside the caller’s face, one わかりました per update', async () => {
  const { terminal, householdId } = await residentTerminal();
  await terminal.getByTestId('home-screen').waitFor();
  const market = suite.hub.hub.stores.shops.directory.list().find((s) => s.name === 'みどりマート')!;
  const orders = suite.hub.hub.capabilities.orders as OrdersService;
  await callShop(terminal, market.id);
  const operator = await openConsole(suite, 'shop1', { route: 'calls', waitFor: 'calls-page' });
  await answerInConsole(operator);
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await framesOf(terminal, 'call-remote-video');

  const items = await suite.hub.hub.stores.shops.items(market.id);
  const order = (n: number) =>
    orders.create({ shopId: market.id, householdId, lines: [{ itemId: items[n]!.id, quantity: 2 }] }, null);
  const first = await order(0);
  const second = await order(1);
  await orders.sendForConfirmation(first.id);
  await orders.sendForConfirmation(second.id);

  // The caller's face stays in sight beside the order.
  const faceVisible = () =>
    terminal.evaluate(() => {
      const v = document.querySelector('[data-testid="call-remote-video"]') as HTMLVideoElement;
      const r = v.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.width > 200 && r.height > 150 && hit === v;
    });
  await terminal.getByTestId('order-confirm').waitFor({ timeout: 10_000 });
  await expect(terminal.getByTestId('order-confirm').count()).resolves.toBe(1);
  await expect(faceVisible()).resolves.toBe(true);
  await checkTerminalScreen(terminal, 'resident-order-in-call');

  await terminal.getByTestId('order-yes').click();
  // The first order's news and the second order's question: one at a time.
  await terminal.getByTestId('order-status').waitFor();
  await expect(terminal.getByTestId('order-confirm').count()).resolves.toBe(0);
  // The shop moves the first order on twice before the resident taps: one message, the latest news.
  await orders.setStatus(first.id, 'preparing');
  await orders.setStatus(first.id, 'out_for_delivery');
  await terminal.getByTestId('order-status-text').getByText('お届けに向かっています').waitFor({ timeout: 10_000 });
  await expect(terminal.getByTestId('order-ok').count()).resolves.toBe(1);
  await expect(faceVisible()).resolves.toBe(true);
  await terminal.getByTestId('order-ok').click();
  await terminal.getByTestId('order-confirm').waitFor();
  await terminal.getByTestId('order-no').click();
  await terminal.getByTestId('order-confirm').waitFor({ state: 'detached' });
  await expect(terminal.getByTestId('order-status').count()).resolves.toBe(0);
  // Every message was acknowledged: nothing comes back after a reload.
  const pending = suite.hub.hub.ctx.db
    .prepare('SELECT COUNT(*) AS n FROM order_messages WHERE household_id = ? AND acked_at IS NULL')
    .get(householdId) as { n: number };
  expect(pending.n).toBe(0);
  await terminal.getByTestId('call-hang-up').click();
  await terminal.getByTestId('home-screen').waitFor();
});
