// The fleet's protocol code against a real in-process hub with five virtual terminals: enrollment
// through the API, connecting, an announcement with stored receipts, check-ins and a call.
import path from 'node:path';
import type { AnnouncementsService } from '@tsunagu/hub/modules/announcements';
import type { WatchService } from '@tsunagu/hub/modules/watch';
import { createAdmissionControl } from '@tsunagu/hub/plugins/admission';
import { createTestHub, publishingApiKey, type TestHub, withHub } from '@tsunagu/hub/testing/harness';
import { Fleet, pool } from './fleet';
import { loopbackAddress } from './http';
import { parseArgs } from './index';
import { percentile, slope, slowWindow, summarise } from './stats';
import { busyRetryDelay, TERMINAL_CONNECT_TIMEOUT_MS, TERMINAL_RECONNECT, VirtualTerminal } from './terminal';

describe('virtual terminal fleet against a real hub', () => {
  let hub: TestHub;
  let url: string;
  let fleet: Fleet;
  let apiKey: string;

  // Declared first, so it runs before the hub closes.
  afterAll(() => fleet?.close());
  withHub('all', async (made) => {
    hub = made;
    url = await hub.listen();
    apiKey = await publishingApiKey(hub, 'fleet-test');
  });

  test('enrolls five terminals through the API, connects them, and exercises announcements, check-ins and calls', async () => {
    const now = hub.clock.now();
    const householdIds = [...hub.fixture.households];
    for (const i of [4, 5])
      householdIds.push(
        await hub.stores.households.create(
          { name: `世帯${i}`, address: `住所 ${i}`, districtId: hub.fixture.districts[0]! },
          now,
        ),
      );
    const codes = await Promise.all(
      householdIds.map(async (id) => (await hub.services.terminals.issueCode(id, 'test')).code),
    );
    fleet = new Fleet({ hub: url, heartbeatMs: 0 });

    // Enrollment: five terminals from five addresses, each with its own credential.
    const identities = await fleet.enroll(codes, 5);
    expect(identities.map((i) => i.householdId).sort()).toEqual([...householdIds].sort());
    expect(new Set(identities.map((i) => i.credential)).size).toBe(5);
    // A used code is refused with the hub's error code.
    await expect(fleet.enroll([codes[0]!], 1, 10)).rejects.toThrow(/ENROLLMENT_CODE_USED/);

    fleet.adopt(identities);
    const c = await fleet.connect();
    expect(c.failed).toEqual([]);
    expect(c.connected).toBe(5);
    for (const id of identities) expect(hub.services.terminals.connectedCount(id.terminalId)).toBe(1);

    // Fan-out: every terminal receives it, and every delivered receipt is acked once stored.
    const r = await fleet.fanout(apiKey, 10_000);
    expect(r).toMatchObject({ terminals: 5, received: 5, stored: 5, missing: 0 });
    expect(r.receive.count).toBe(5);
    expect(r.receive.max).toBeLessThanOrEqual(r.allStoredMs);
    const announcements = hub.capabilities.announcements as AnnouncementsService;
    expect((await announcements.counts(r.announcementId)).delivered).toBe(5);

    // Check-ins: acked only when committed, and visible in the household's status.
    // 100 ms: a closed loop of 300 ms made about 330 per terminal here, past the hub's per-sender
    // burst (300, DEFAULT_COMMAND_RATE), and the last few were refused as RATE_LIMITED.
    const checkins = await fleet.checkinLoad(5, 100);
    expect(checkins.failures).toEqual({});
    expect(checkins.failed).toBe(0);
    expect(checkins.ok).toBeGreaterThanOrEqual(5);
    expect(checkins.latency.count).toBe(checkins.ok);
    const watch = hub.capabilities.watch as WatchService;
    for (const id of householdIds) expect((await watch.status(id)).checkedIn).toBe(true);

    // Calls: two residents call the shop; the one operator is rung for each in turn.
    const operator = hub.sessionFor(hub.fixture.users.operator);
    const calls = await fleet.callLoad({
      cookies: [operator.cookie],
      callers: 2,
      overMs: 100,
      shopIds: [hub.fixture.shopId],
      holdMs: 100,
      settleMs: 5000,
    });
    expect(calls.failures).toEqual({});
    expect(calls.rang).toBe(2);
    expect(calls.requestToRing.count).toBe(2);
  }, 30_000);

  test('a terminal that was away gets the announcement from the catch-up list on reconnect', async () => {
    const t = fleet.terminals[0]!;
    t.stop();
    const p = await fleet.publish(apiKey);
    await t.connect();
    expect(await fleet.waitForAnnouncement(p.id, 5, 5000)).toBe(true);
    expect(t.seen.has(p.id)).toBe(true);
    expect(t.stored.has(p.id)).toBe(true);
  }, 15_000);
});

describe('fleet helpers', () => {
  test('percentiles are nearest-rank and the summary reports them', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(summarise([3, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3, mean: 2 });
    expect(
      slope([
        { x: 0, y: 10 },
        { x: 10, y: 30 },
        { x: 20, y: 50 },
      ]),
    ).toBeCloseTo(2);
  });

  test('the slowest 1 % are placed in the stage, so a stall shows as a narrow window', () => {
    const timeline: [number, number][] = Array.from({ length: 1000 }, (_, i) => [i * 5, 2]);
    for (const i of [600, 601, 602, 603, 604, 605, 606, 607, 608, 609]) timeline[i]![1] = 150;
    expect(slowWindow(timeline)).toEqual({ fromMs: 3000, toMs: 3045 });
    expect(slowWindow(timeline.slice(0, 50))).toBeUndefined();
  });

  test('every terminal gets its own loopback address', () => {
    const seen = new Set(Array.from({ length: 70_000 }, (_, i) => loopbackAddress(i)));
    expect(seen.size).toBe(70_000);
    const valid = /^127\.\d+\.\d+\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|250)$/;
    expect([...seen].filter((a) => !valid.test(a))).toEqual([]);
  });

  test('pool keeps at most the given number in flight and preserves order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await pool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(most).toBe(2);
  });

  test('the fleet reconnects with the terminal’s own policy', () => {
    // Loaded at run time: the terminal app is another TypeScript project.
    const terminal = require(path.resolve(__dirname, '../../../../apps/terminal/src/renderer/connection/backoff')) as {
      RECONNECT: typeof TERMINAL_RECONNECT;
      CONNECT_TIMEOUT_MS: number;
      busyDelay(hint: unknown, attempt: number, random: () => number): number;
    };
    expect(TERMINAL_RECONNECT).toEqual(terminal.RECONNECT);
    expect(TERMINAL_CONNECT_TIMEOUT_MS).toBe(terminal.CONNECT_TIMEOUT_MS);
    for (const hint of [0, 900, 12_345, 10 * 60_000])
      for (const r of [0, 0.3, 1]) expect(busyRetryDelay(hint, -1, () => r)).toBe(terminal.busyDelay(hint, 0, () => r));
  });

  test('a virtual terminal the hub finds busy comes back when it was told to', async () => {
    const clock = { now: 1_000_000 };
    const busy = await createTestHub({
      admission: createAdmissionControl(
        { perSecond: 1, burst: 1, maxLagMs: 100, maxRetryAfterMs: 60_000 },
        () => clock.now,
        () => 0,
      ),
    });
    const busyUrl = await busy.listen();
    const [first, second] = await Promise.all(
      [0, 1].map(async (i) => {
        const { terminalId, credential } = await busy.enrollTerminal(busy.fixture.households[i]!);
        return new VirtualTerminal({
          hub: busyUrl,
          identity: { terminalId, householdId: busy.fixture.households[i]!, credential },
          transports: ['websocket'],
          heartbeatMs: 0,
        });
      }),
    );
    try {
      await first!.connect();
      // The bucket is empty: the second is told to come back; the hub's clock then reaches that moment.
      second!.socket.once('connect_error', (err: Error & { data?: { retryAfterMs?: number } }) => {
        clock.now += err.data?.retryAfterMs ?? 0;
      });
      await second!.connect();
      expect(second!.busyRefusals).toBe(1);
      expect(second!.gaveUp).toBeNull();
      expect(busy.services.terminals.connectedCount(second!.identity.terminalId)).toBe(1);
    } finally {
      first!.stop();
      second!.stop();
      await busy.close();
    }
  });

  test('command-line options are checked', () => {
    expect(parseArgs(['--hub', 'http://h:1/', '--terminals', '3'])).toMatchObject({ hub: 'http://h:1', terminals: 3 });
    expect(() => parseArgs(['--terminals', '0'])).toThrow(/--terminals/);
    expect(() => parseArgs(['--calls', '5'])).toThrow(/--shop/);
    expect(() => parseArgs(['--bogus'])).toThrow(/Unknown option/);
    expect(() => parseArgs(['--hub', 'nope'])).toThrow(/URL/);
  });
});
