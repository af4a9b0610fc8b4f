/**
 * Announcement timers with two hubs on one PostgreSQL and one Redis (issue 18): the hub running the
 * jobs sends and expires, once, even when the other believes it runs them too; when it stops, the
 * other takes them over within seconds and does what fell due meanwhile, once.
 */
import type { Hub } from '../../hub';
import { FakeClock } from '../../lib/clock';
import { publishedId, type Received, type Terminal, terminal } from '../../testing/announcements';
import { as, sessionFor, type TestHub } from '../../testing/harness';
import { startTwoHubs, type TwoHubs } from '../../testing/two-hubs';
import { until } from '../../testing/until';
import type { AnnouncementsService } from './service';

const HOUR = 3_600_000;
let cluster: TwoHubs;
let a: TestHub;
let b: Hub;
let urlB: string;
const clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
const terminals: Terminal[] = [];

beforeAll(async () => {
  // Hub A runs the jobs (nobody else asked for them yet); then hub B starts on the same database.
  cluster = await startTwoHubs({ clock, aLeads: true });
  ({ a, b, urlB } = cluster);
});

afterAll(async () => {
  for (const t of terminals) t.close();
  await cluster?.close();
});

const announcements = (hub: Hub) => hub.capabilities.announcements as AnnouncementsService;
/** City hall, signed in through `hub` now (a session lasts an hour of the clock the test moves). */
const cityhall = (hub: Hub) => sessionFor(hub, a.fixture.users.cityhall);

async function create(hub: Hub, payload: Record<string, unknown>, status: string): Promise<number> {
  const res = await as(
    hub,
    cityhall(hub),
  )({
    method: 'POST',
    url: '/api/announcements',
    payload: { kind: 'important', bodyJa: '明日は断水です。', target: { type: 'all' }, ...payload },
  });
  expect(res.json()).toMatchObject({ status });
  return (res.json() as { id: number }).id;
}
const schedule = (hub: Hub, titleJa: string, sendAt: number) =>
  create(hub, { titleJa, sendAt: new Date(sendAt).toISOString() }, 'scheduled');
const publishExpiring = (hub: Hub, expiresAt: number) =>
  create(hub, { titleJa: '期限つき', expiresAt: new Date(expiresAt).toISOString() }, 'published');

/** A terminal of the `index`th household, connected to `url`. */
async function terminalOn(url: string, index: number): Promise<Terminal> {
  const t = await terminal(url, (await a.enrollTerminal(a.fixture.households[index]!)).credential);
  terminals.push(t);
  return t;
}

/**
 * Every send a hub made has reached every terminal: each hub tells its own terminals from the
 * notices the commits send, one at a time in commit order (per-hub.ts), so a marker published
 * through a hub arrives after whatever was committed before it, on every hub.
 */
async function flushed(hubs: Hub[], onTerminals: Terminal[], label: string) {
  for (const hub of hubs) {
    const id = await create(hub, { titleJa: label }, 'published');
    for (const t of onTerminals) await t.waitFor(publishedId(id), `the marker ${label}`, 10_000);
  }
}

const isWithdrawal = (id: number) => (e: Received) =>
  e.event === 'announcement:withdrawn' && (e.payload as { id: number }).id === id;
const withdrawn = (id: number) => (events: Received[]) => events.some(isWithdrawal(id));
const times = (t: Terminal, id: number) => t.published().filter((p) => p.id === id).length;
const withdrawals = (t: Terminal, id: number) => t.events.filter(isWithdrawal(id)).length;

describe('announcement timers on two hubs (PostgreSQL)', () => {
  it('run on the hub running the jobs, and send or expire once even when both hubs run them', async () => {
    expect(b.ctx.jobs.leading).toBe(false);
    const onA = await terminalOn(await a.listen(), 0);
    const onB = await terminalOn(urlB, 1);
    // Scheduled through hub B, which does not run the timers: hub A hears of it and sends it.
    const first = await schedule(b, '断水のお知らせ', clock.now() + HOUR);
    clock.advance(HOUR);
    await onA.waitFor(publishedId(first), 'the scheduled announcement on hub A', 10_000);
    await onB.waitFor(publishedId(first), 'the scheduled announcement on hub B', 10_000);

    // Hub B believes it runs them too (leadership is a hint: a leader cut off learns it late).
    const second = await schedule(b, '点検のお知らせ', clock.now() + HOUR);
    const expiring = await publishExpiring(a, clock.now() + 30 * 60_000);
    await onB.waitFor(publishedId(expiring), 'the announcement that will expire', 10_000);
    announcements(b).timers.start();
    await announcements(b).timers.ready();
    clock.advance(HOUR);
    for (const t of [onA, onB]) {
      await t.waitFor(publishedId(second), 'the second scheduled announcement', 10_000);
      await t.waitFor(withdrawn(expiring), 'the expiry', 10_000);
    }
    await announcements(b).timers.stop();
    await flushed([a, b], [onA, onB], 'after the sends');
    for (const t of [onA, onB])
      expect([times(t, first), times(t, second), withdrawals(t, expiring)]).toEqual([1, 1, 1]);
    expect((await announcements(a).get(second)).status).toBe('published');
    expect((await announcements(a).get(expiring)).status).toBe('expired');
    const rows = await cluster.database.pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM announcement_targets WHERE announcement_id = $1',
      [second],
    );
    expect(Number(rows.rows[0]!.n)).toBe(a.fixture.households.length);
  });

  it('are taken over when the hub running them stops, and what fell due meanwhile is done once', async () => {
    const onB = await terminalOn(urlB, 2);
    const later = await schedule(a, '点検のお知らせ', clock.now() + HOUR);
    const earlier = await schedule(b, '先のお知らせ', clock.now() + 30 * 60_000);
    const expiring = await publishExpiring(a, clock.now() + 45 * 60_000);
    await onB.waitFor(publishedId(expiring), 'the announcement that will expire', 10_000);
    // Hub A stops (its jobs stop, its lock goes); every time passes while no hub runs the timers.
    await a.close();
    cluster.closed.add(a);
    // Its own sockets only: the terminal on hub B stays connected (through Redis, a stop cut every hub's).
    expect(onB.socket.connected).toBe(true);
    clock.advance(HOUR);
    expect(onB.published().some((p) => p.id === later || p.id === earlier)).toBe(false);
    await until(() => b.ctx.jobs.leading, 20_000);
    await onB.waitFor(publishedId(later), 'the announcement due while no hub ran the timers', 10_000);
    await onB.waitFor(publishedId(earlier), 'the earlier one', 10_000);
    await onB.waitFor(withdrawn(expiring), 'the expiry that fell due', 10_000);
    await flushed([b], [onB], 'after the takeover');
    expect([times(onB, later), times(onB, earlier), withdrawals(onB, expiring)]).toEqual([1, 1, 1]);
    expect((await announcements(b).get(expiring)).status).toBe('expired');
  });
});
