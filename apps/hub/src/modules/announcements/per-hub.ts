/**
 * Several hubs on one PostgreSQL (issue 18): what each hub's own terminals are told of announcements.
 * Every change terminals see (a publish, new content, wider targets, a cancel, an expiry) sends its
 * notice on `ANNOUNCEMENTS_CHANNEL` inside the unit of work that makes it, so the notice is
 * delivered exactly when the change commits, to every hub, whatever becomes of the hub that made it.
 * Each hub, the one that made the change included, reads the announcement as stored and sends its
 * own terminals (`local`: not through the Redis adapter) the difference from what it told them
 * before: published, updated, or withdrawn. A hub killed between its commit and its broadcast lost
 * the broadcast to the other hubs' terminals when it went through Redis; now there is nothing of
 * the dead hub's left to lose.
 *
 * Notices are handled one at a time in the order they are heard (PostgreSQL delivers them in commit
 * order), each from the state read then, and only ever forward (a version shown is never shown
 * again, a withdrawn one never comes back): a terminal never sees a withdrawal before its publish.
 * Notices are not queued while a hub's listening connection is down: when it is back (`heardAll`),
 * every announcement is compared again. What the terminals of a hub that starts were told is what
 * their catch-up lists say: `know` takes it from the database without sending anything.
 */
import type { TerminalAnnouncement, WithdrawnReason } from '@tsunagu/protocol';
import type { AnnouncementRecord, AnnouncementsStore } from './store';
import { freshForTerminals } from './views';

/** What this hub's terminals were last told of an announcement: its version and how many households it targeted, or withdrawn. */
type Told = { version: number; households: number } | 'withdrawn';

/** Beyond this many, the oldest are forgotten (a later notice of one only repeats what its terminals drop). */
const TOLD_KEPT = 2_000;

export type ToTerminals = (
  a: AnnouncementRecord,
  householdIds: number[],
  send:
    | { event: 'announcement:published' | 'announcement:updated'; payload: TerminalAnnouncement }
    | { event: 'announcement:withdrawn'; payload: { id: number; reason: WithdrawnReason } },
) => void;

export interface HubTerminals {
  /** A notice heard: `a` is the announcement as stored now (read after the notice). Call one at a time, in notice order. */
  heard(id: number, a: AnnouncementRecord | undefined): Promise<void>;
  /** Notices may have been missed: every published one, and every one told as published, compared again. */
  heardAll(published: AnnouncementRecord[]): Promise<void>;
  /** What this hub's terminals are told on connect: the published ones as stored (hub start), nothing sent. */
  know(published: AnnouncementRecord[]): Promise<void>;
}

export function hubTerminals(store: AnnouncementsStore, toTerminals: ToTerminals): HubTerminals {
  const told = new Map<number, Told>();
  let known = false;
  const keep = (id: number, t: Told) => {
    told.delete(id);
    told.set(id, t);
    if (told.size > TOLD_KEPT) told.delete(told.keys().next().value!);
  };
  const targets = (a: AnnouncementRecord) =>
    a.target.type === 'all' ? Promise.resolve([]) : store.targetHouseholdIds(a.id);

  async function tell(id: number, a: AnnouncementRecord | undefined) {
    const before = told.get(id);
    if (!a || before === 'withdrawn') return;
    if (a.status === 'published') {
      const households = await targets(a);
      // Same version, same targets: told already (this hub's own change, or a notice repeated).
      if (before && a.version <= before.version && households.length <= before.households) return;
      keep(id, { version: a.version, households: households.length });
      // New content is an update; wider targets at the same version reach the added households as
      // new (the others have that version already and drop it: terminals keep one copy per version).
      const event = before && a.version > before.version ? 'announcement:updated' : 'announcement:published';
      toTerminals(a, households, { event, payload: freshForTerminals(a) });
    } else if ((a.status === 'cancelled' || a.status === 'expired') && a.publishedAt !== null) {
      keep(id, 'withdrawn');
      toTerminals(a, await targets(a), { event: 'announcement:withdrawn', payload: { id, reason: a.status } });
    }
  }

  async function know(published: AnnouncementRecord[]) {
    known = true;
    for (const a of published) keep(a.id, { version: a.version, households: (await targets(a)).length });
  }

  return {
    heard: tell,
    async heardAll(published) {
      if (!known) return know(published);
      const now = new Set(published.map((a) => a.id));
      for (const a of published) await tell(a.id, a);
      // Told as published and not published any more: withdrawn while this hub heard nothing.
      for (const [id, t] of [...told]) if (t !== 'withdrawn' && !now.has(id)) await tell(id, await store.get(id));
    },
    know,
  };
}
