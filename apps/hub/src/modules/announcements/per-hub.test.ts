/**
 * Two hubs on one PostgreSQL and one Redis (issue 18): each hub tells its own terminals of every
 * announcement change from the notice its commit sends (per-hub.ts), so nothing depends on the
 * publishing hub's broadcast through Redis: with Redis frozen, a terminal on the other hub still
 * gets the emergency once, then its update and its withdrawal, in order; and a terminal never sees
 * a withdrawal before its publish, whichever hub makes which change.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import type { Hub } from '../../hub';
import { publishedId, type Received, type Terminal, terminal } from '../../testing/announcements';
import { startTwoHubs, type TwoHubs } from '../../testing/two-hubs';
import { hubTerminals, type ToTerminals } from './per-hub';
import type { Sender } from './policy';
import type { AnnouncementsService } from './service';
import type { AnnouncementRecord, AnnouncementsStore } from './store';

let cluster: TwoHubs;
const terminals: Terminal[] = [];
const cityhall: Sender = { kind: 'person', name: 'cityhall' };
const announcements = (hub: Hub) => hub.capabilities.announcements as AnnouncementsService;

async function terminalOn(url: string, index: number): Promise<Terminal> {
  const { a } = cluster;
  const t = await terminal(url, (await a.enrollTerminal(a.fixture.households[index]!)).credential);
  terminals.push(t);
  return t;
}

const emergency = (titleJa: string) =>
  ({
    kind: 'emergency',
    titleJa,
    bodyJa: 'ただちに避難してください。',
    target: { type: 'all' },
    confirmWholeCity: true,
  }) as const;

/** An event as `published v1`, `updated v2`, `withdrawn` (the sync list left out). */
const label = (e: Received) =>
  e.event === 'announcement:withdrawn'
    ? 'withdrawn'
    : `${e.event.replace('announcement:', '')} v${(e.payload as TerminalAnnouncement).version}`;
const about = (id: number) => (e: Received) =>
  e.event !== 'announcement:sync' && (e.payload as { id: number }).id === id;
/** What a terminal got of announcement `id`, in order. */
const eventsOf = (t: Terminal, id: number) => t.events.filter(about(id)).map(label);
const got = (id: number, what: string) => (events: Received[]) => events.filter(about(id)).map(label).includes(what);

describe('announcements on two hubs: each hub tells its own terminals', () => {
  beforeAll(async () => {
    cluster = await startTwoHubs();
  });

  afterAll(async () => {
    for (const t of terminals) t.close();
    cluster?.redis.resume();
    await cluster?.close();
  });

  it('with Redis frozen, a terminal on the other hub gets the emergency once, then its update and withdrawal in order', async () => {
    const { a, b, urlB } = cluster;
    const onA = await terminalOn(await a.listen(), 0);
    const onB = await terminalOn(urlB, 1);
    // Nothing the publishing hub sends through Redis can arrive now (as when it dies right after its commit).
    cluster.redis.pause();
    let id = 0;
    try {
      ({ id } = await announcements(a).create(emergency('避難指示'), cityhall));
      for (const t of [onB, onA]) await t.waitFor(publishedId(id), 'the emergency, with Redis frozen', 10_000);
      await announcements(a).update(id, { bodyJa: '川沿いの方は高い所へ避難してください。' }, cityhall);
      for (const t of [onB, onA]) await t.waitFor(got(id, 'updated v2'), 'the update, with Redis frozen', 10_000);
      await announcements(a).cancel(id);
      for (const t of [onB, onA]) await t.waitFor(got(id, 'withdrawn'), 'the withdrawal, with Redis frozen', 10_000);
    } finally {
      cluster.redis.resume();
    }
    // Redis back: whatever was queued for it reaches nobody a second time (a marker published
    // through B after it, heard by A's terminal from B's notice, comes after all of it).
    const marker = await announcements(b).create({ ...emergency('訓練'), kind: 'routine' }, cityhall);
    for (const t of [onA, onB]) await t.waitFor(publishedId(marker.id), 'the marker', 10_000);
    for (const t of [onA, onB]) expect(eventsOf(t, id)).toEqual(['published v1', 'updated v2', 'withdrawn']);
  });

  it('never shows a withdrawal before its publish, when another hub cancels at once', async () => {
    const { a, b, urlB } = cluster;
    const onA = await terminalOn(await a.listen(), 2);
    const onB = await terminalOn(urlB, 0);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [publishing, cancelling] = i % 2 === 0 ? [a, b] : [b, a];
      const { id } = await announcements(publishing).create(emergency(`誤報 ${i}`), cityhall);
      ids.push(id);
      await announcements(cancelling).cancel(id);
    }
    for (const t of [onA, onB])
      for (const id of ids) await t.waitFor(got(id, 'withdrawn'), `the withdrawal of ${id}`, 10_000);
    const marker = await announcements(a).create({ ...emergency('訓練'), kind: 'routine' }, cityhall);
    for (const t of [onA, onB]) await t.waitFor(publishedId(marker.id), 'the marker', 10_000);
    // Each hub read the announcement after its notice: it was published then withdrawn, or only
    // withdrawn (read after the cancel); never published after its withdrawal, never twice.
    for (const t of [onA, onB])
      for (const id of ids) expect([['published v1', 'withdrawn'], ['withdrawn']]).toContainEqual(eventsOf(t, id));
  });
});

describe('what a hub tells its terminals only goes forward', () => {
  const record = (version: number, status: string) =>
    ({
      id: 7,
      version,
      status,
      publishedAt: 1,
      expiresAt: null,
      target: { type: 'all' },
    }) as unknown as AnnouncementRecord;
  function told() {
    const sent: string[] = [];
    const to: ToTerminals = (_a, _h, s) =>
      sent.push(s.event === 'announcement:withdrawn' ? 'withdrawn' : `${s.event.slice(13)} v${s.payload.version}`);
    const store = { get: async () => undefined } as unknown as AnnouncementsStore;
    return { here: hubTerminals(store, to), sent };
  }

  it('a version shown is not shown again, an older one not at all, a withdrawn one never comes back', async () => {
    const { here, sent } = told();
    await here.know([]);
    await here.heard(7, record(1, 'published'));
    await here.heard(7, record(1, 'published'));
    await here.heard(7, record(3, 'published'));
    await here.heard(7, record(2, 'published'));
    await here.heard(7, record(3, 'cancelled'));
    await here.heard(7, record(3, 'published'));
    await here.heard(7, record(3, 'cancelled'));
    expect(sent).toEqual(['published v1', 'updated v3', 'withdrawn']);
  });

  it('feed back after a gap: what changed meanwhile is sent, what is known is not', async () => {
    const { here, sent } = told();
    await here.know([record(1, 'published')]);
    await here.heardAll([record(1, 'published')]);
    expect(sent).toEqual([]);
    await here.heardAll([record(2, 'published')]);
    expect(sent).toEqual(['updated v2']);
  });
});
