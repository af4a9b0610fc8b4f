// A resident calls a shop from the terminal (fake camera), the shop's operator answers in the
// console, video flows both ways (decoded frames counted on both pages), the operator builds an
// order during the call, the resident confirms it with はい (the operator's panel says so), and the
// order appears in the console. An emergency holds the call: the operator sees why the video went black.
// Waiting, in-call and order-confirmation screens are checked (axe, target sizes) and saved for docs/calls.md.
// (Nobody on the listening line, the callback and the listener calling back: terminal-screens.test.ts.)
import { connectCall, connectStaff, connectTerminal, emitAck, login } from '../../apps/hub/src/testing/harness';
import { screenshot } from '../helpers/browser';
import { callShop, framesOf, shopsOpenSuite } from '../helpers/calls';
import { announce, checkTerminalScreen, DEMO_PASSWORD, openConsole, openTerminal, tapTo } from '../helpers/pages';

jest.setTimeout(120_000);

const { suite } = shopsOpenSuite();
const { sockets } = suite;

test('call a shop, talk on video both ways, take an order, confirm it on the terminal', async () => {
  const { hub } = suite;
  const shopId = hub.hub.stores.shops.directory.list().find((s) => s.name === 'みどりマート')!.id;
  const [resident, other1, other2] = hub.demo.terminals;

  // Someone else is already talking to the second operator, and one more caller waits: the
  // resident sees their place and an estimate.
  const busyOperator = await connectStaff(hub.url, await login(hub.hub, 'shop1b', DEMO_PASSWORD));
  const a = await connectTerminal(hub.url, other1!.credential);
  const b = await connectTerminal(hub.url, other2!.credential);
  sockets.push(busyOperator, a, b);
  await connectCall(a, busyOperator, shopId);
  const waitingB = (await emitAck<{ ok: true; data: { callId: number } }>(b, 'call:request', { shopId })).data;

  // --- the resident presses the shop's button -----------------------------------------------------
  const terminal = await openTerminal(suite, { credential: resident!.credential });
  // The demo city has more shops than fit on the home screen: 買い物 opens the chooser.
  await terminal.getByTestId('home-shopping').click();
  await terminal.getByTestId(`shop-${shopId}`).click();
  await terminal.getByTestId('call-waiting').waitFor();
  await expect(terminal.getByTestId('call-waiting').textContent()).resolves.toContain('あと1人・約6分');
  await checkTerminalScreen(terminal, 'terminal-call-waiting');

  // The caller ahead gives up: the resident moves up at once.
  await emitAck(b, 'call:cancel', { callId: waitingB.callId });
  await terminal.getByTestId('call-waiting').getByText('つぎは、あなたの番です').waitFor();

  // --- the operator's console -------------------------------------------------------------------------
  const operator = await openConsole(suite, 'shop1', {
    viewport: { width: 1280, height: 1000 },
    bypassCSP: true,
    route: 'calls',
    waitFor: 'calls-page',
  });
  await operator.getByTestId('set-available').click();
  await operator.getByTestId('call-ringing').waitFor({ timeout: 15_000 });
  await operator.getByTestId('call-answer').click();
  await operator.getByTestId('call-active').waitFor();

  // --- video both ways ----------------------------------------------------------------------------
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await Promise.all([framesOf(terminal, 'call-remote-video'), framesOf(operator, 'console-remote-video')]);
  await framesOf(terminal, 'call-self-video');
  await checkTerminalScreen(terminal, 'terminal-call-in-progress');
  await screenshot(operator, 'console-call-in-progress');
  expect(
    hub.hub.ctx.db
      .prepare('SELECT status FROM calls WHERE household_id = ? ORDER BY id DESC LIMIT 1')
      .get(resident!.householdId),
  ).toEqual({ status: 'connected' });

  // --- the order, during the call -------------------------------------------------------------------
  const milk = (await hub.hub.stores.shops.items(shopId))[0]!;
  await operator.getByTestId(`catalogue-item-${milk.id}`).click();
  await operator.getByTestId(`catalogue-item-${milk.id}`).click();
  await operator.getByTestId('free-line-name').fill('お豆腐（絹）');
  await operator.getByTestId('free-line-add').click();
  await operator.getByTestId('order-send').click();
  await operator.getByTestId('order-sent').waitFor();
  await terminal.getByTestId('order-confirm').waitFor({ timeout: 15_000 });
  await expect(terminal.getByTestId('order-lines').textContent()).resolves.toContain(milk.name);
  await expect(terminal.getByTestId('order-lines').textContent()).resolves.toContain('お豆腐（絹）');
  await checkTerminalScreen(terminal, 'terminal-order-confirm');
  await terminal.getByTestId('order-yes').click();
  // The operator sees the resident's はい in the order panel beside the call.
  await operator.getByTestId('order-confirmed').waitFor({ timeout: 10_000 });
  await expect(operator.getByTestId('order-confirmed').textContent()).resolves.toContain('「はい」');
  await screenshot(operator, 'console-order-confirmed');
  await terminal.getByTestId('order-status').waitFor(); // "受けつけました", acknowledged with わかりました
  await terminal.getByTestId('order-ok').click();

  // --- the order is in the console ------------------------------------------------------------------
  await operator.goto(`${hub.url}/console/#/orders`);
  await operator.getByTestId('orders-page').waitFor();
  const row = operator.locator('[data-testid^="order-row-"]').first();
  await expect(row.textContent()).resolves.toContain('受付済み');
  await expect(row.textContent()).resolves.toContain(milk.name);
  await screenshot(operator, 'console-orders');

  // --- an emergency during the call: the call is held (muted), then resumes -----------------------------
  const sent = await announce(hub, {
    kind: 'emergency',
    titleJa: '避難指示',
    bodyJa: '大沢地区に避難指示が出ました。',
    target: { type: 'households', householdIds: [resident!.householdId] },
  });
  expect(sent.statusCode).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await terminal.getByTestId('call-held').waitFor({ state: 'attached' });
  // The operator's picture of the resident goes black: the console says why.
  await operator.getByTestId('resident-held').waitFor({ timeout: 10_000 });
  await expect(operator.getByTestId('resident-held').textContent()).resolves.toContain('緊急放送のため保留中');
  await screenshot(operator, 'console-call-held');
  expect(
    await terminal.evaluate(() => ({
      remoteMuted: (document.querySelector('[data-testid="call-remote-video"]') as HTMLVideoElement).muted,
      localLive: (
        (document.querySelector('[data-testid="call-self-video"]') as HTMLVideoElement).srcObject as MediaStream
      )
        .getTracks()
        .some((t) => t.enabled),
    })),
  ).toEqual({ remoteMuted: true, localLive: false });
  await terminal.getByTestId('emergency-acknowledge').click();
  await terminal.getByTestId('emergency-screen').waitFor({ state: 'detached' });
  await terminal.getByTestId('call-held').waitFor({ state: 'detached' });
  await operator.getByTestId('resident-held').waitFor({ state: 'detached', timeout: 10_000 });
  await expect(
    terminal.evaluate(() => (document.querySelector('[data-testid="call-remote-video"]') as HTMLVideoElement).muted),
  ).resolves.toBe(false);

  // --- hang up from the terminal: both sides end -------------------------------------------------------
  await terminal.getByTestId('call-hang-up').click();
  await terminal.getByTestId('home-screen').waitFor();
  await operator.goto(`${hub.url}/console/#/calls`);
  await operator.getByTestId('calls-page').waitFor();
  await expect(
    Promise.resolve(
      hub.hub.ctx.db
        .prepare('SELECT status, end_reason FROM calls WHERE household_id = ? ORDER BY id DESC LIMIT 1')
        .get(resident!.householdId),
    ),
  ).resolves.toEqual({ status: 'ended', end_reason: 'hung_up_by_resident' });

  // --- the shop calls the resident back about the order: big green answer, red decline -------------------
  await operator.goto(`${hub.url}/console/#/orders`);
  await operator.getByTestId('orders-page').waitFor();
  await operator.locator('[data-testid^="order-row-"]').first().getByRole('button', { name: '電話する' }).click();
  await terminal.getByTestId('call-incoming').waitFor({ timeout: 10_000 });
  await checkTerminalScreen(terminal, 'terminal-call-incoming');
  await tapTo(terminal, 'call-answer', 'call-in-progress');
  await framesOf(terminal, 'call-remote-video');
  await tapTo(terminal, 'call-hang-up', 'home-screen');

  // Pressing the shop's button again also says where the order is.
  await callShop(terminal, shopId);
  await expect(terminal.getByTestId('call-order-status').textContent()).resolves.toContain('受けつけました');
  await terminal.getByTestId('call-cancel').click();
  await terminal.getByTestId('home-screen').waitFor();
});
