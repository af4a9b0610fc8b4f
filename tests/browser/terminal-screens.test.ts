// Every terminal screen, reached by real means against one real hub, checked at 1280×720 and
// 1920×1080: axe (no violations, plus the AAA 7:1 contrast rule), targets ≥ 120×120 CSS px, no
// document overflow and nothing cut off, visible text ≥ 28 px, at most six primary buttons each
// with an icon and a text label. Screenshots go to SCREENSHOT_DIR/terminal-<screen>-<width>.png
// for docs/terminal.md.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { FakeClock } from '../../apps/hub/src/lib/clock';
import type { OrdersService } from '../../apps/hub/src/modules/orders/service';
import { connectCall, connectStaff, connectTerminal, emitAck, login } from '../../apps/hub/src/testing/harness';
import { axeViolations, screenshot, undersizedTargets } from '../helpers/browser';
import type { TestHub } from '../helpers/hub';
import { announce, browserSuite, DEMO_PASSWORD, openConsole, openPage, typeCode } from '../helpers/pages';

jest.setTimeout(120_000);

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const MIN_TEXT_PX = 28;
const MAX_PRIMARY_BUTTONS = 6;

/** Monday 5 January 2026, 10:00 in Tokyo: the supermarket is open, the vegetable stand (Tue/Thu/Sat) is not. */
const clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0));
const suite = browserSuite({ clock });
const { sockets, contexts } = suite;
let hub: TestHub;
let browser: Browser;
beforeAll(() => {
  ({ hub, browser } = suite);
});
/** The resident's terminal, enrolled on the keypad in the first test and used by the ones after. */
let terminal: Page;
let householdId: number;
const checked: string[] = [];

afterAll(() => {
  // A record of what was checked, for docs/terminal.md (one line a screen).
  if (checked.length) console.log(`terminal screens checked at 1280×720 and 1920×1080:\n${checked.join('\n')}`);
});

async function newTerminalPage(hash = ''): Promise<Page> {
  const page = await openPage(suite, 'terminal', { viewport: SIZES[0] });
  await page.goto(`${hub.url}/terminal/${hash}`);
  return page;
}

interface Layout {
  overflow: { x: boolean; y: boolean };
  /** Elements whose content is cut off (overflow hidden) or that stick out of the screen. */
  clipped: string[];
  /** Content shown a page at a time (or scroll containers), and whether the screen shows that more exists. */
  scrollers: { el: string; showsMore: boolean }[];
  smallText: string[];
  primaryButtons: number;
  buttonsWithoutIconOrLabel: string[];
}

/** Measures the screen in the page: overflow, clipping, text sizes and buttons. */
function measureLayout(page: Page, minText: number): Promise<Layout> {
  return page.evaluate((min) => {
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}${
        el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''
      } "${(el.textContent ?? '').trim().slice(0, 24)}"`;
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
        if (e.hasAttribute('inert') && e !== document.body) return false;
      }
      return true;
    };
    // Only what is on top counts: a screen under an overlay (call, order, emergency) is not seen.
    const onTop = (el: Element) => {
      const r = el.getBoundingClientRect();
      const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1);
      const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      return !!hit && (el.contains(hit) || hit.contains(el));
    };
    const all = Array.from(document.body.querySelectorAll('*')).filter(
      (el) =>
        !['STYLE', 'SCRIPT', 'svg', 'path', 'circle', 'rect', 'g', 'line', 'polyline', 'ellipse'].includes(el.tagName),
    );
    const clipped: string[] = [];
    const scrollers: { el: string; showsMore: boolean }[] = [];
    for (const el of all) {
      if (!visible(el) || el.classList.contains('ts-visually-hidden')) continue;
      const r = el.getBoundingClientRect();
      // Inside paged content: on this page wholly, or wholly off it (never cut in half).
      const pager = el.parentElement?.closest('[data-paged="true"]');
      if (pager) {
        const box = pager.getBoundingClientRect();
        const inside = r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
        const outside = r.bottom <= box.top + 1 || r.top >= box.bottom - 1;
        if (!inside && !outside) clipped.push(`${describe(el)} cut by its page`);
        if (!inside) continue;
      }
      if (r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1 || r.left < -1 || r.top < -1)
        clipped.push(`${describe(el)} outside the screen`);
      const s = getComputedStyle(el);
      if (el.getAttribute('data-paged') === 'true') {
        // Deliberately paged (text or a list too long for the screen): a button with its page counter
        // ("つづき 1/2") must be on screen.
        const more = Array.from(document.querySelectorAll('button')).some(
          (b) => visible(b) && onTop(b) && /\d+\s*\/\s*\d+/.test(b.textContent ?? ''),
        );
        scrollers.push({ el: describe(el), showsMore: more });
        continue;
      }
      const over = el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
      if (!over || el === document.body || el === document.documentElement) continue;
      if (s.overflowY === 'auto' || s.overflowY === 'scroll' || s.overflowX === 'auto' || s.overflowX === 'scroll') {
        const bar =
          (el as HTMLElement).offsetWidth - el.clientWidth > 0 ||
          (el as HTMLElement).offsetHeight - el.clientHeight > 0;
        scrollers.push({ el: describe(el), showsMore: bar && s.scrollbarWidth !== 'none' });
      } else if (s.overflow !== 'visible' && el.tagName !== 'VIDEO') clipped.push(`${describe(el)} cut off`);
    }
    const smallText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const parent = n.parentElement;
      if (!text || !parent || ['STYLE', 'SCRIPT', 'TITLE'].includes(parent.tagName)) continue;
      if (parent.closest('.ts-visually-hidden') || !visible(parent) || !onTop(parent)) continue;
      const size = Number.parseFloat(getComputedStyle(parent).fontSize);
      if (size < min) smallText.push(`"${text.slice(0, 24)}" ${size}px`);
    }
    const buttons = Array.from(document.querySelectorAll('button, [role="button"], a[href]')).filter(
      (b) => visible(b) && onTop(b),
    );
    // The enrollment keypad is one control (the code), used once by the installer: its keys are not counted.
    const primary = buttons.filter((b) => !b.closest('.ts-keypad'));
    return {
      overflow: {
        x: document.documentElement.scrollWidth > window.innerWidth,
        y: document.documentElement.scrollHeight > window.innerHeight,
      },
      clipped,
      scrollers,
      smallText,
      primaryButtons: primary.length,
      buttonsWithoutIconOrLabel: primary
        .filter((b) => !b.querySelector('svg') || !(b.textContent ?? '').trim())
        .map(describe),
    };
  }, minText);
}

/** axe's AAA contrast rule (7:1), which its default run leaves off. */
async function aaaContrastViolations(page: Page): Promise<string[]> {
  // axeViolations() has already injected axe into the page.
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: ['color-contrast-enhanced'], resultTypes: ['violations'] });
    // biome-ignore lint/suspicious/noExplicitAny: axe result shape
    return result.violations.flatMap((v: any) => v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`));
  });
}

/**
 * Checks the screen at both sizes and saves terminal-NAME-1280/1920.png. `paged`: the screen may
 * show long content a page at a time (then its "more" button must be on screen).
 */
async function checkScreen(page: Page, name: string, options: { paged?: boolean; shows?: string } = {}): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let layout settle (and the page's resize handlers run) before measuring.
    await page.waitForTimeout(150);
    // A screen that could change by itself (connecting, offline) is still the one being checked.
    if (options.shows) await expect(page.getByTestId(options.shows).isVisible()).resolves.toBe(true);
    const shot = await screenshot(page, `terminal-${name}-${size.width}`);
    const where = { name, size: `${size.width}x${size.height}` };
    expect({ ...where, violations: await axeViolations(page) }).toEqual({ ...where, violations: [] });
    // Colours do not change with the size: the slower AAA pass runs once a screen.
    if (size === SIZES[0])
      expect({ ...where, contrast: await aaaContrastViolations(page) }).toEqual({ ...where, contrast: [] });
    expect({ ...where, undersized: await undersizedTargets(page, 120) }).toEqual({ ...where, undersized: [] });
    const layout = await measureLayout(page, MIN_TEXT_PX);
    expect({ ...where, overflow: layout.overflow, clipped: layout.clipped, smallText: layout.smallText }).toEqual({
      ...where,
      overflow: { x: false, y: false },
      clipped: [],
      smallText: [],
    });
    if (!options.paged) expect({ ...where, scrollers: layout.scrollers }).toEqual({ ...where, scrollers: [] });
    else for (const s of layout.scrollers) expect({ ...where, ...s }).toEqual({ ...where, el: s.el, showsMore: true });
    expect({ ...where, buttons: layout.buttonsWithoutIconOrLabel }).toEqual({ ...where, buttons: [] });
    expect(layout.primaryButtons).toBeLessThanOrEqual(MAX_PRIMARY_BUTTONS);
    expect(fs.existsSync(shot)).toBe(true);
  }
  checked.push(`- ${name}`);
  await page.setViewportSize(SIZES[0]);
}

/** Presses the "more" button until the paged element's last line is on screen; returns the pages seen. */
async function readToTheEnd(page: Page, testId: string, moreId: string): Promise<number> {
  const atEnd = () =>
    page.evaluate((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`)!;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    }, testId);
  let pages = 1;
  while (!(await atEnd())) {
    await page.getByTestId(moreId).click();
    pages++;
    expect(pages).toBeLessThan(20);
  }
  return pages;
}

const LONG_BODY =
  '気象庁から大雨特別警報が発表されました。野川があふれるおそれがあります。大沢地区、野崎地区、新川地区の皆さんは、すぐに近くの避難所へ避難してください。' +
  '避難所は、大沢コミュニティ・センター、第七小学校の体育館、三鷹市役所の本庁舎です。歩いて行くのが難しい方は、市役所の防災課に電話してください。迎えに行きます。' +
  '避難するときは、お薬、お薬手帳、眼鏡、入れ歯、懐中電灯、携帯電話を持って行ってください。家から出るのが危ないときは、2階以上の、崖から離れた部屋にいてください。\n' +
  'ガスの元栓を閉め、電気のブレーカーを切ってから家を出てください。近所にお年寄りや体の不自由な方がいたら、声をかけて一緒に避難してください。' +
  '避難所では、市の職員が名前を確認します。停電で電話がつながりにくいときは、この端末の「助けが必要です」を押すか、近くの人に知らせてください。';

test('enrollment on the keypad (and a wrong code), then home, shops and check-in', async () => {
  terminal = await newTerminalPage();
  await terminal.getByTestId('enrollment-screen').waitFor();
  await checkScreen(terminal, 'enroll');

  await typeCode(terminal, '12345678');
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('enroll-error').waitFor();
  await checkScreen(terminal, 'enroll-error');

  // A household without a demo terminal, so nothing else receives what this one is sent.
  const enrolled = new Set(hub.demo.terminals.map((t) => t.householdId));
  householdId = (await hub.hub.stores.households.list()).find((h) => !enrolled.has(h.id) && h.language === 'ja')!.id;
  await typeCode(terminal, await hub.issueEnrollmentCode(householdId));
  await terminal.getByTestId('enroll-connect').click();
  await terminal.getByTestId('home-screen').waitFor({ timeout: 20_000 });
  await checkScreen(terminal, 'home');

  await terminal.getByTestId('home-shopping').click();
  await terminal.getByTestId('shops-screen').waitFor();
  await checkScreen(terminal, 'shops');
  await terminal.getByTestId('back').click();

  await terminal.getByTestId('home-checkin').click();
  await terminal.getByTestId('checkin-screen').waitFor();
  await checkScreen(terminal, 'checkin');
  await terminal.getByTestId('checkin-press').click();
  await terminal.getByTestId('checkin-mood-screen').waitFor();
  await checkScreen(terminal, 'checkin-mood');
  await terminal.getByTestId('checkin-mood-good').click();
  await terminal.getByTestId('checkin-done-screen').waitFor();
  await checkScreen(terminal, 'checkin-thanks');
  await terminal.getByTestId('back').click();
  await terminal.getByTestId('home-screen').waitFor();
});

test('an English household', async () => {
  const inEnglish = new Set(
    (await hub.hub.stores.households.list()).filter((h) => h.language === 'en').map((h) => h.id),
  );
  const english = hub.demo.terminals.find((t) => inEnglish.has(t.householdId))!;
  const page = await newTerminalPage(`#credential=${english.credential}`);
  await page.getByRole('button', { name: "I'm fine" }).waitFor({ timeout: 20_000 });
  await checkScreen(page, 'home-en');
  // English labels are longer than Japanese ones: the busiest screens again, in English.
  await page.getByTestId('home-shopping').click();
  await page.getByTestId('shops-screen').waitFor();
  await checkScreen(page, 'shops-en');
  await page.getByTestId('back').click();
  await page.getByTestId('home-checkin').click();
  await page.getByTestId('checkin-press').click();
  await page.getByTestId('checkin-mood-screen').waitFor();
  await checkScreen(page, 'checkin-mood-en');
  await page.context().close();
});

test('connecting (the hub not answered yet) and outdated (the hub refuses this protocol version)', async () => {
  // Connecting: the hub's first message (the terminal's profile) is kept from the page, so the terminal
  // waits on the connecting screen for as long as the check takes.
  const page = await openPage(suite, 'terminal', { viewport: SIZES[0] });
  const dropProfile = (payload: string) =>
    payload
      .split('\x1e')
      .filter((packet) => !packet.includes('terminal:profileChanged'))
      .join('\x1e') || '6'; // an Engine.IO no-op when nothing else was in the poll
  await page.route('**/socket.io/**', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    await route.fulfill({ response, body: dropProfile(await response.text()) });
  });
  await page.routeWebSocket(/socket\.io/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      if (typeof m !== 'string' || !m.includes('terminal:profileChanged')) ws.send(m);
    });
  });
  await page.goto(`${hub.url}/terminal/#credential=${hub.demo.terminals[1]!.credential}`);
  await page.getByTestId('connecting-screen').waitFor({ timeout: 20_000 });
  await checkScreen(page, 'connecting', { shows: 'connecting-screen' });
  await page.context().close();

  // Outdated: the terminal's handshake is rewritten to claim protocol version 0; the real hub refuses it.
  const old = await openPage(suite, 'terminal', { viewport: SIZES[0] });
  const downgrade = (s: string) => s.replace(/"protocolVersion":\d+/, '"protocolVersion":0');
  await old.route('**/socket.io/**', async (route) => {
    const body = route.request().postData();
    if (route.request().method() === 'POST' && body?.includes('protocolVersion'))
      await route.continue({ postData: downgrade(body) });
    else await route.continue();
  });
  await old.routeWebSocket(/socket\.io/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(typeof m === 'string' ? downgrade(m) : m));
  });
  await old.goto(`${hub.url}/terminal/#credential=${hub.demo.terminals[2]!.credential}`);
  await old.getByTestId('outdated-screen').waitFor({ timeout: 20_000 });
  await checkScreen(old, 'outdated', { shows: 'outdated-screen' });
  await old.context().close();
});

test('announcements: list, safety check, drill, unread badge, emergency takeover and emergency safety check', async () => {
  const target = { type: 'households', householdIds: [householdId] };
  for (const payload of [
    { kind: 'routine', titleJa: '大雨への備え', bodyJa: LONG_BODY, target },
    {
      kind: 'important',
      test: true,
      titleJa: '防災訓練のお知らせ',
      bodyJa: '3月1日の午前10時から、市内全域で防災訓練を行います。サイレンが鳴りますが、訓練です。',
      target,
    },
    {
      kind: 'routine',
      titleJa: 'ごみ収集日の変更',
      bodyJa: '年末年始は、ごみの収集日が変わります。12月30日から1月3日までは収集がありません。',
      target,
    },
    {
      kind: 'routine',
      safetyCheck: true,
      titleJa: '安否確認',
      bodyJa: '昨夜の地震で、お変わりありませんか。',
      target,
    },
  ]) {
    expect((await announce(hub, payload)).statusCode).toBe(201);
  }
  await terminal.locator('[data-testid="home-announcements"] .ts-badge').waitFor({ timeout: 10_000 });
  await terminal.waitForFunction(
    () => document.querySelector('[data-testid="home-announcements"] .ts-badge')?.textContent === '4',
  );
  await checkScreen(terminal, 'home-unread');

  await terminal.getByTestId('home-announcements').click();
  await terminal.getByTestId('announcements-screen').waitFor();
  await expect(terminal.getByTestId('announcement-current').textContent()).resolves.toContain('安否確認');
  await checkScreen(terminal, 'announcement-safety');
  await terminal.getByTestId('announcement-safe').click();
  await terminal.getByTestId('announcement-next').click();
  await terminal.getByText('ごみ収集日の変更').first().waitFor();
  await checkScreen(terminal, 'announcements');
  await terminal.getByTestId('announcement-next').click();
  await terminal.getByTestId('announcement-test').waitFor();
  await checkScreen(terminal, 'announcement-drill');
  // A long one in the list: paged beside the text, and still at most six buttons.
  await terminal.getByTestId('announcement-next').click();
  await terminal.getByText('大雨への備え').first().waitFor();
  await checkScreen(terminal, 'announcement-long', { paged: true });
  await terminal.setViewportSize(SIZES[0]);
  expect(await readToTheEnd(terminal, 'announcement-body', 'announcement-next')).toBeGreaterThan(1);
  await expect(terminal.getByTestId('announcement-next').textContent()).resolves.toBe('つぎへ');

  // A long safety check: still six buttons, because つぎへ is what turns the pages.
  await terminal.getByTestId('back').click();
  expect(
    (await announce(hub, { kind: 'routine', safetyCheck: true, titleJa: '大雨の安否確認', bodyJa: LONG_BODY, target }))
      .statusCode,
  ).toBe(201);
  await terminal.locator('[data-testid="home-announcements"] .ts-badge').waitFor();
  await terminal.getByTestId('home-announcements').click();
  await terminal.getByText('大雨の安否確認').first().waitFor();
  await checkScreen(terminal, 'announcement-safety-long', { paged: true });
  await terminal.getByTestId('announcement-safe').click();
  await terminal.getByTestId('back').click();
  await terminal.getByTestId('home-screen').waitFor();

  expect(
    (
      await announce(hub, {
        kind: 'emergency',
        titleJa: '避難指示',
        bodyJa: '大雨のため、高台の避難所へ避難してください。',
        target,
      })
    ).statusCode,
  ).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await checkScreen(terminal, 'announcement-emergency');
  await terminal.getByTestId('emergency-acknowledge').click();
  await terminal.getByTestId('emergency-screen').waitFor({ state: 'detached' });

  expect(
    (
      await announce(hub, {
        kind: 'emergency',
        safetyCheck: true,
        titleJa: '地震の安否確認',
        bodyJa: '震度6弱の地震がありました。けがはありませんか。',
        target,
      })
    ).statusCode,
  ).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await checkScreen(terminal, 'announcement-emergency-safety');
  await terminal.getByTestId('emergency-safe').click();
  await terminal.getByTestId('emergency-screen').waitFor({ state: 'detached' });
  await terminal.getByTestId('home-screen').waitFor();

  // A long emergency (what city hall really sends): every word must be readable, none cut off.
  expect(
    (await announce(hub, { kind: 'emergency', titleJa: '大雨特別警報・避難指示', bodyJa: LONG_BODY, target }))
      .statusCode,
  ).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await checkScreen(terminal, 'announcement-emergency-long', { paged: true });
  // At 1280×720 it does not all fit even at 28 px: one big button pages on, whole lines at a time, to the last words.
  await terminal.setViewportSize(SIZES[0]);
  expect(await readToTheEnd(terminal, 'announcement-body', 'announcement-more')).toBeGreaterThan(1);
  await terminal.getByTestId('emergency-acknowledge').click();
  await terminal.getByTestId('emergency-screen').waitFor({ state: 'detached' });
  await terminal.getByTestId('home-screen').waitFor();
});

test('calls: waiting with place and estimate, closed, nobody, callback, in call, order, held, incoming', async () => {
  const shops = hub.hub.stores.shops.directory.list();
  const market = shops.find((s) => s.name === 'みどりマート')!;
  const stand = shops.find((s) => s.name === 'JA野菜スタンド')!;

  // The shop's second operator is busy with one caller and another waits: our resident is second in line.
  const busyOperator = await connectStaff(hub.url, await login(hub.hub, 'shop1b', DEMO_PASSWORD));
  const a = await connectTerminal(hub.url, hub.demo.terminals[3]!.credential);
  const b = await connectTerminal(hub.url, hub.demo.terminals[4]!.credential);
  sockets.push(busyOperator, a, b);
  await connectCall(a, busyOperator, market.id);
  const ahead = (await emitAck<{ ok: true; data: { callId: number } }>(b, 'call:request', { shopId: market.id })).data;

  await terminal.getByTestId('home-shopping').click();
  await terminal.getByTestId(`shop-${market.id}`).click();
  await terminal.getByTestId('call-waiting').waitFor();
  await expect(terminal.getByTestId('call-waiting').textContent()).resolves.toMatch(/あと1人・約\d+分/);
  await checkScreen(terminal, 'call-waiting');
  await emitAck(b, 'call:cancel', { callId: ahead.callId });
  await terminal.getByTestId('call-waiting').getByText('つぎは、あなたの番です').waitFor();
  await checkScreen(terminal, 'call-next');

  // The shop's operator answers in the console (real video from the fake camera).
  const operator = await openConsole(suite, 'shop1', {
    viewport: { width: 1280, height: 1000 },
    route: 'calls',
    waitFor: 'calls-page',
  });
  await operator.getByTestId('set-available').click();
  await operator.getByTestId('call-ringing').waitFor({ timeout: 15_000 });
  await operator.getByTestId('call-answer').click();
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await terminal.waitForFunction(
    () => {
      const v = document.querySelector('[data-testid="call-remote-video"]') as HTMLVideoElement | null;
      return !!v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 5;
    },
    null,
    { timeout: 30_000, polling: 250 },
  );
  await checkScreen(terminal, 'call-in-progress');

  // The operator's order, confirmed on the terminal with はい, then its progress.
  const orders = hub.hub.capabilities.orders as OrdersService;
  const callId = (
    hub.hub.ctx.db.prepare("SELECT id FROM calls WHERE household_id = ? AND status = 'connected'").get(householdId) as {
      id: number;
    }
  ).id;
  const items = await hub.hub.stores.shops.items(market.id);
  const order = await orders.create(
    {
      shopId: market.id,
      householdId,
      callId,
      lines: [
        { itemId: items[0]!.id, quantity: 2 },
        { itemId: items[1]!.id, quantity: 1 },
        { itemId: items[2]!.id, quantity: 1 },
        { name: 'お豆腐（絹）', quantity: 2 },
        { itemId: items[3]!.id, quantity: 1 },
        { itemId: items[4]!.id, quantity: 3 },
        { name: 'お米 (5kg)', quantity: 1 },
        { name: 'ティッシュペーパー', quantity: 1 },
      ],
    },
    null,
  );
  await orders.sendForConfirmation(order.id);
  await terminal.getByTestId('order-confirm').waitFor({ timeout: 10_000 });
  await checkScreen(terminal, 'order-confirm', { paged: true });
  expect(await readToTheEnd(terminal, 'order-lines', 'order-more')).toBeGreaterThan(1);
  await terminal.getByTestId('order-yes').click();
  await terminal.getByTestId('order-status').waitFor();
  await checkScreen(terminal, 'order-status');
  await terminal.getByTestId('order-ok').click();
  await terminal.getByTestId('order-status').waitFor({ state: 'detached' });

  // An emergency during the call holds it; the emergency screen is what the resident sees.
  expect(
    (
      await announce(hub, {
        kind: 'emergency',
        titleJa: '避難指示',
        bodyJa: '大沢地区に避難指示が出ました。',
        target: { type: 'households', householdIds: [householdId] },
      })
    ).statusCode,
  ).toBe(201);
  await terminal.getByTestId('emergency-screen').waitFor({ timeout: 10_000 });
  await terminal.getByTestId('call-held').waitFor({ state: 'attached' });
  await checkScreen(terminal, 'call-held-emergency');
  await terminal.getByTestId('emergency-acknowledge').click();
  await terminal.getByTestId('call-held').waitFor({ state: 'detached' });
  await terminal.getByTestId('call-hang-up').click();
  await terminal.getByTestId('home-screen').waitFor();
  await operator.context().close();

  // The vegetable stand is closed on Mondays: the terminal says so and offers a callback.
  await terminal.getByTestId('home-shopping').click();
  const standButton = terminal.getByTestId(`shop-${stand.id}`);
  if (!(await standButton.isVisible())) await terminal.getByTestId('shops-next').click();
  await standButton.click();
  await terminal.getByTestId('call-waiting').getByText('いまは、受付の時間外です').waitFor();
  await checkScreen(terminal, 'call-closed');
  await terminal.getByTestId('call-cancel').click();
  await terminal.getByTestId('home-screen').waitFor();

  // Nobody on the listening line: a callback keeps the place.
  await terminal.getByTestId('home-listening').click();
  await terminal.getByTestId('call-waiting').getByText('いま、電話に出られる人がいません').waitFor();
  await checkScreen(terminal, 'call-nobody');
  await terminal.getByTestId('call-request-callback').click();
  await terminal.getByTestId('call-callback-requested').waitFor();
  await checkScreen(terminal, 'call-callback-requested');
  await terminal.getByTestId('call-back-home').click();
  await terminal.getByTestId('home-screen').waitFor();

  // A listener calls back: the terminal rings with a big answer and a big decline.
  const listener = await connectStaff(hub.url, await login(hub.hub, 'listener1', DEMO_PASSWORD));
  sockets.push(listener);
  const callbackOf = (
    hub.hub.ctx.db
      .prepare("SELECT id FROM calls WHERE household_id = ? AND status = 'callback_requested'")
      .get(householdId) as { id: number }
  ).id;
  await emitAck(listener, 'call:callBack', { householdId, callbackOf });
  await terminal.getByTestId('call-incoming').waitFor({ timeout: 10_000 });
  await expect(terminal.getByTestId('call-incoming').textContent()).resolves.toContain('話し相手から電話です');
  await checkScreen(terminal, 'call-incoming');
  await terminal.getByTestId('call-decline').click();
  await terminal.getByTestId('call-incoming').waitFor({ state: 'detached' });
  await terminal.getByTestId('home-screen').waitFor();
});

test('offline, with the offline 元気です, and back by itself', async () => {
  for (const s of sockets.splice(0)) s.close();
  await hub.stop();
  await terminal.getByTestId('offline-screen').waitFor({ timeout: 30_000 });
  await checkScreen(terminal, 'offline', { shows: 'offline-screen' });
  await terminal.getByTestId('offline-checkin').click();
  await terminal.getByTestId('offline-checkin-queued').waitFor();
  await checkScreen(terminal, 'offline-checkin', { shows: 'offline-checkin-queued' });
  await hub.restart();
  await terminal.getByTestId('home-screen').waitFor({ timeout: 60_000 });
});

test('the layout checks catch what they are meant to catch', async () => {
  // A deliberately bad screen: small text, a small button, seven buttons, one without an icon, text cut off.
  const context = await browser.newContext({ viewport: SIZES[0] });
  contexts.push(context);
  const page = await context.newPage();
  const icon = '<svg width="40" height="40"><rect width="40" height="40"/></svg>';
  await page.setContent(`<style>button { font: inherit; }</style><body style="margin:0;font-size:32px">
    <p style="font-size:20px">small print</p>
    <div style="height:60px;overflow:hidden;font-size:32px">cut<br>off<br>text</div>
    ${Array.from({ length: 6 }, (_, i) => `<button style="width:150px;height:150px">${icon}b${i}</button>`).join('')}
    <button style="width:100px;height:150px">no icon</button>
  </body>`);
  const layout = await measureLayout(page, MIN_TEXT_PX);
  expect(layout.smallText).toEqual(['"small print" 20px']);
  expect(layout.clipped.some((c) => c.includes('cut off'))).toBe(true);
  expect(layout.primaryButtons).toBe(7);
  expect(layout.buttonsWithoutIconOrLabel).toEqual(['button "no icon"']);
  expect(await undersizedTargets(page, 120)).toHaveLength(1);
  await context.close();
});
