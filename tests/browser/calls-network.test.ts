// A network drop on either side of a video call, made with a TCP proxy between one page and the
// hub (the page's link to the hub is reset, then refused): back within the grace period, the call
// resumes with video both ways; away longer, it ends on both sides with a clear message —
// 「電話が切れました」 on the terminal, the reason in words in the console. Screenshots of both sides go
// to SCREENSHOT_DIR/network-*.png.
import type { Page } from 'playwright-core';
import { RECONNECT_GRACE_MS } from '../../apps/hub/src/modules/calls/service';
import { screenshot } from '../helpers/browser';
import {
  callShop,
  demoMarket,
  framesOf,
  lastCall,
  marketCall,
  marketSuite,
  staffRoom,
  stillFlowing,
  terminalRoom,
  untilGone,
  videoBothWays,
} from '../helpers/calls';
import { TcpProxy } from '../helpers/tcp-proxy';

jest.setTimeout(240_000);

const { suite, clock } = marketSuite();
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = new TcpProxy({ host: '127.0.0.1', port: suite.hub.port });
  await proxy.listen();
});
afterAll(() => proxy.close());

const terminalIdOf = async (householdId: number) =>
  (await suite.hub.hub.stores.households.get(householdId))!.terminal!.id;

/** The link between the proxied page and the hub is cut (reset) and stays cut until `reconnect`. */
function cut() {
  proxy.refuse(true);
  proxy.reset();
}
const reconnect = () => proxy.refuse(false);

async function connectedThrough(side: 'terminal' | 'console', n: number) {
  const through = { base: proxy.url };
  const call = await marketCall(suite, n, side === 'terminal' ? { terminal: through } : { console: through });
  await videoBothWays(call.terminal, call.operator);
  return call;
}

/** Away past the grace period: the hub ends the call, and each side says why once it can hear again. */
async function awayPastGrace(
  side: 'terminal' | 'console',
  call: { resident: { householdId: number }; terminal: Page; operator: Page },
  room: string,
  consoleReason: string,
) {
  cut();
  await untilGone(suite.hub, side === 'terminal' ? 'terminals' : 'staff', room);
  clock.advance(RECONNECT_GRACE_MS + 1_000);
  expect(await lastCall(suite.hub, call.resident.householdId)).toEqual({
    status: 'ended',
    end_reason: 'connection_lost',
  });
  reconnect();
  await bothEnded(call.terminal, call.operator, consoleReason);
  await screenshot(call.terminal, `network-${side}-lost-terminal`);
  await screenshot(call.operator, `network-${side}-lost-console`);
}

async function bothEnded(terminal: Page, operator: Page, consoleReason: string) {
  await terminal.getByTestId('call-ended').waitFor({ timeout: 45_000 });
  await expect(terminal.getByTestId('call-ended').textContent()).resolves.toContain('電話が切れました');
  await operator.getByTestId('call-ended').waitFor({ timeout: 45_000 });
  await expect(operator.getByTestId('call-ended').textContent()).resolves.toContain(consoleReason);
  await expect(operator.getByTestId('call-active').count()).resolves.toBe(0);
}

test('the terminal’s network drops: back soon, the call resumes; away past the grace period, it ends on both sides', async () => {
  const call = await connectedThrough('terminal', 0);
  const { resident, terminal, operator } = call;
  const room = terminalRoom(await terminalIdOf(resident.householdId));

  cut();
  await untilGone(suite.hub, 'terminals', room);
  // The operator is told why the resident may have frozen.
  await operator.getByTestId('resident-offline').waitFor({ timeout: 10_000 });
  await screenshot(operator, 'network-terminal-drop-console');
  await screenshot(terminal, 'network-terminal-drop-terminal');
  reconnect();
  await operator.getByTestId('resident-offline').waitFor({ state: 'detached', timeout: 60_000 });
  await stillFlowing(terminal, 'call-remote-video');
  await stillFlowing(operator, 'console-remote-video');
  expect((await lastCall(suite.hub, resident.householdId)).status).toBe('connected');

  await awayPastGrace('terminal', call, room, '住民の端末との接続が切れた');
  await terminal.getByTestId('call-ended-ok').click();
  await terminal.getByTestId('home-screen').waitFor();
  // Never left unable to call: the resident can ring the shop again at once.
  await callShop(terminal, demoMarket(suite.hub));
  await terminal.getByTestId('call-cancel').click();
});

test('the operator’s network drops: back soon, the call resumes; away past the grace period, it ends on both sides', async () => {
  const call = await connectedThrough('console', 1);
  const { resident, terminal, operator } = call;
  const room = staffRoom((await suite.hub.hub.stores.accounts.userByUsername('shop1'))!.id);

  cut();
  await untilGone(suite.hub, 'staff', room);
  await screenshot(operator, 'network-console-drop-console');
  await screenshot(terminal, 'network-console-drop-terminal');
  reconnect();
  await operator
    .getByTestId('live-status')
    .and(operator.locator('[data-status="online"]'))
    .waitFor({ timeout: 60_000 });
  await stillFlowing(terminal, 'call-remote-video');
  await stillFlowing(operator, 'console-remote-video');
  await framesOf(operator, 'console-remote-video');
  expect((await lastCall(suite.hub, resident.householdId)).status).toBe('connected');

  await awayPastGrace('console', call, room, 'こちらの接続が切れた');
});
