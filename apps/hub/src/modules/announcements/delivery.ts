/**
 * Delivery: publishing to the targeted terminals (persisted first, then sent, one broadcast per
 * change serialised once by Socket.IO for all its rooms), send-time and expiry timers, updates,
 * withdrawals, and telling city hall of every change. Every change terminals see is also told to
 * the other hubs on the same database (`ANNOUNCEMENTS_CHANNEL`, db/changes.ts), whose catch-up list
 * and emergency memory then read it again.
 *
 * The send-time and expiry timers run on the hub that armed them (and, after a restart, on the hub
 * that starts): with several hubs they are to become a job of one leader (`ctx.jobs`, issue 18),
 * which arms them from the database at start and re-arms them when it hears of a change.
 */
import type { Announcement, AnnouncementTarget, WithdrawnReason } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { rooms } from '../../plugins/socket';
import { EmergencyMemory } from './emergency-memory';
import { type AnnouncementRecord, type AnnouncementsStore, type NewAnnouncement, noReceipts } from './store';
import { freshForTerminals, staffView } from './views';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The change-feed channel of announcements whose published state changed: the announcement's id. */
export const ANNOUNCEMENTS_CHANNEL = 'announcements_changed';

/** Stored in the same unit of work as the announcement (e.g. the CAP message it came from). */
export type Alongside = (stored: AnnouncementRecord, tx: AnnouncementsStore) => Promise<void> | void;

export interface Delivery {
  /**
   * Stores a new announcement as published with its frozen targets (one transaction, together
   * with `alongside`, e.g. the CAP message it came from), then sends it.
   */
  publishNew(a: NewAnnouncement, alongside?: Alongside): Promise<Announcement>;
  /**
   * A stored announcement that has not gone out: a scheduled one is sent now when it is due
   * (approved, or left unsent when the hub stopped), otherwise at its time; one waiting for
   * approval only tells city hall.
   */
  release(a: AnnouncementRecord): Promise<Announcement>;
  /**
   * After new content: the terminals that have it show it again, and with `widenTo` it also
   * reaches the households of that target (nobody loses it); the expiry is re-armed.
   */
  changed(a: AnnouncementRecord, widenTo?: AnnouncementTarget | null): Promise<Announcement>;
  /** Tells city hall of a change that does not reach terminals (e.g. an edit waiting for approval). */
  notify(id: number): Promise<Announcement>;
  cancel(a: AnnouncementRecord): Promise<Announcement>;
  /** Another hub (or this one) changed this announcement: the emergency memory reads it again. */
  heard(id: number): Promise<void>;
  /** Changes may have been missed: the emergency memory reads every published emergency again. */
  rememberAll(): Promise<void>;
  /** Re-arms schedules and expiries from the database (hub start). */
  start(): Promise<void>;
  stop(): void;
}

export function createDelivery(
  ctx: HubContext,
  store: AnnouncementsStore,
  memory: EmergencyMemory = new EmergencyMemory(),
): Delivery {
  const { clock } = ctx;
  const scheduleTimers = new Map<number, TimerHandle>();
  const expiryTimers = new Map<number, TimerHandle>();
  const published = new Counter({
    name: 'tsunagu_announcements_published_total',
    help: 'Announcements published, by kind',
    labelNames: ['kind'],
    registers: [ctx.metrics.registry],
  });

  function terminalsFor(a: AnnouncementRecord, householdIds: number[]) {
    if (a.target.type === 'all') return ctx.sockets.terminals.to(rooms.allTerminals);
    // An empty room list would mean "everyone": never send then.
    if (householdIds.length === 0) return null;
    return ctx.sockets.terminals.to(householdIds.map(rooms.household));
  }
  const toCityHall = (view: Announcement) => {
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('announcement:changed', view);
    return view;
  };
  /** Tells city hall of a change: the announcement read back with its counts, in one query. */
  async function notifyStaff(id: number): Promise<Announcement> {
    const a = (await store.withCounts(id))!;
    return toCityHall(staffView(a, a.counts, a.revision));
  }
  /** Other hubs' catch-up lists and emergency memories read this announcement again. */
  const tellHubs = (id: number) =>
    void ctx.changes
      .notify(ctx.sql, ANNOUNCEMENTS_CHANNEL, id)
      .catch((err: unknown) => ctx.log.error({ err }, 'telling other hubs of an announcement failed'));
  /** A timer's work: a failure is logged (the timer has nobody to answer). */
  const inTimer = (what: string, work: () => Promise<unknown>) => () =>
    void work().catch((err: unknown) => ctx.log.error({ err }, `announcement ${what} failed`));
  /** Tells city hall of one nobody can have answered yet (nothing to read back but a CAP message's signature). */
  const notifyUnanswered = async (a: AnnouncementRecord, targeted: number) =>
    a.source === 'cap' ? notifyStaff(a.id) : toCityHall(staffView(a, noReceipts(targeted), null));
  const withdraw = async (a: AnnouncementRecord, reason: WithdrawnReason) => {
    const households = a.target.type === 'all' ? [] : await store.targetHouseholdIds(a.id);
    terminalsFor(a, households)?.emit('announcement:withdrawn', { id: a.id, reason });
    tellHubs(a.id);
  };

  // ----- timers (ctx.clock; long delays are re-armed in steps setTimeout can hold)

  function at(when: number, fn: () => void): TimerHandle {
    let handle: TimerHandle | null = null;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const delay = when - clock.now();
      if (delay <= 0) return fn();
      handle = clock.setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    };
    handle = clock.setTimeout(arm, Math.max(0, Math.min(when - clock.now(), MAX_TIMER_MS)));
    return {
      cancel: () => {
        cancelled = true;
        handle?.cancel();
      },
    };
  }
  function disarm(id: number) {
    scheduleTimers.get(id)?.cancel();
    scheduleTimers.delete(id);
    expiryTimers.get(id)?.cancel();
    expiryTimers.delete(id);
  }
  function armExpiry(a: AnnouncementRecord) {
    expiryTimers.get(a.id)?.cancel();
    expiryTimers.delete(a.id);
    if (a.status !== 'published' || a.expiresAt === null) return;
    expiryTimers.set(
      a.id,
      at(
        a.expiresAt,
        inTimer('expiry', () => expire(a.id)),
      ),
    );
  }
  function armSchedule(a: AnnouncementRecord & { sendAt: number }) {
    scheduleTimers.get(a.id)?.cancel();
    scheduleTimers.set(
      a.id,
      at(
        a.sendAt,
        inTimer('send', async () => {
          scheduleTimers.delete(a.id);
          const current = await store.get(a.id);
          if (current?.status === 'scheduled') await publish(current);
        }),
      ),
    );
  }

  // ----- sending

  function sent(a: AnnouncementRecord, householdIds: number[]): Promise<Announcement> {
    terminalsFor(a, householdIds)?.emit('announcement:published', freshForTerminals(a));
    memory.remember(a, householdIds);
    tellHubs(a.id);
    published.inc({ kind: a.kind });
    armExpiry(a);
    // A safety check starts its wait for answers (the watch alerts households that do not answer).
    ctx.events.emit('announcement.published', {
      announcementId: a.id,
      safetyCheck: a.safetyCheck,
      at: a.publishedAt ?? clock.now(),
    });
    return notifyUnanswered(a, householdIds.length);
  }

  async function publish(a: AnnouncementRecord): Promise<Announcement> {
    const now = clock.now();
    if (a.expiresAt !== null && a.expiresAt <= now)
      return notifyStaff((await store.setStatus(a.id, 'expired', now)).id);
    const householdIds = await store.resolveTarget(a.target);
    const stored = await store.publish(a.id, householdIds, now);
    // Not scheduled any more (cancelled meanwhile, or sent by another hub): nothing to send.
    if (!stored) return notifyStaff(a.id);
    return sent(stored, householdIds); // persisted first, then sent
  }

  async function expire(id: number): Promise<Announcement | undefined> {
    expiryTimers.delete(id);
    const a = await store.get(id);
    if (a?.status !== 'published') return;
    await store.setStatus(id, 'expired', clock.now());
    memory.forget(id);
    await withdraw(a, 'expired');
    return notifyStaff(id);
  }

  async function release(a: AnnouncementRecord): Promise<Announcement> {
    if (a.status === 'scheduled') {
      if (a.sendAt === null || a.sendAt <= clock.now()) return publish(a);
      armSchedule({ ...a, sendAt: a.sendAt });
    }
    return notifyUnanswered(a, 0);
  }

  /** Reads a published emergency's targets into the memory (anything else is forgotten). */
  async function remember(a: AnnouncementRecord) {
    if (a.kind === 'emergency' && a.status === 'published') memory.remember(a, await store.targetHouseholdIds(a.id));
    else memory.forget(a.id);
  }

  return {
    async publishNew(a, alongside) {
      const householdIds = await store.resolveTarget(a.target);
      const stored = await store.transaction(async (tx) => {
        const rec = await tx.add(a, { householdIds, at: clock.now() });
        await alongside?.(rec, tx);
        return rec;
      });
      return sent(stored, householdIds);
    },

    release,

    async changed(a, widenTo = null) {
      if (a.status === 'published') {
        if (a.expiresAt !== null && a.expiresAt <= clock.now()) return (await expire(a.id)) ?? notifyStaff(a.id);
        const payload = freshForTerminals(a);
        terminalsFor(a, a.target.type === 'all' ? [] : await store.targetHouseholdIds(a.id))?.emit(
          'announcement:updated',
          payload,
        );
        if (widenTo && a.target.type !== 'all') {
          const added = await store.addTargets(a.id, await store.resolveTarget(widenTo));
          if (widenTo.type === 'all')
            ctx.sockets.terminals.to(rooms.allTerminals).emit('announcement:published', payload);
          else if (added.length)
            ctx.sockets.terminals.to(added.map(rooms.household)).emit('announcement:published', payload);
        }
        await remember(a);
        armExpiry(a);
      }
      // Also before it is sent: what other hubs keep of it (its voice clip, speech/spoken.ts) is read again.
      tellHubs(a.id);
      return notifyStaff(a.id);
    },

    notify: notifyStaff,

    async cancel(a) {
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.setStatus(a.id, 'cancelled', now, { cancelledAt: now });
        await tx.setRevision(a.id, null);
      });
      disarm(a.id);
      memory.forget(a.id);
      if (a.status === 'published') await withdraw(a, 'cancelled');
      return notifyStaff(a.id);
    },

    async heard(id) {
      const a = await store.get(id);
      if (a) await remember(a);
      else memory.forget(id);
    },

    async rememberAll() {
      for (const a of await store.byStatus('published')) await remember(a);
    },

    async start() {
      for (const a of await store.byStatus('scheduled')) await release(a);
      for (const a of await store.byStatus('published')) {
        armExpiry(a);
        await remember(a);
      }
    },

    stop() {
      for (const t of [...scheduleTimers.values(), ...expiryTimers.values()]) t.cancel();
      scheduleTimers.clear();
      expiryTimers.clear();
    },
  };
}
