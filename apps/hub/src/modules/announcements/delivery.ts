/**
 * Delivery: publishing to the targeted terminals (persisted first, then sent, one broadcast per
 * change serialised once by Socket.IO for all its rooms), send-time and expiry timers, updates,
 * withdrawals, and telling city hall of every change.
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

export interface Delivery {
  /**
   * Stores a new announcement as published with its frozen targets (one transaction, together
   * with `alongside`, e.g. the CAP message it came from), then sends it.
   */
  publishNew(a: NewAnnouncement, alongside?: (stored: AnnouncementRecord) => void): Announcement;
  /**
   * A stored announcement that has not gone out: a scheduled one is sent now when it is due
   * (approved, or left unsent when the hub stopped), otherwise at its time; one waiting for
   * approval only tells city hall.
   */
  release(a: AnnouncementRecord): Announcement;
  /**
   * After new content: the terminals that have it show it again, and with `widenTo` it also
   * reaches the households of that target (nobody loses it); the expiry is re-armed.
   */
  changed(a: AnnouncementRecord, widenTo?: AnnouncementTarget | null): Announcement;
  /** Tells city hall of a change that does not reach terminals (e.g. an edit waiting for approval). */
  notify(id: number): Announcement;
  cancel(a: AnnouncementRecord): Announcement;
  /** Re-arms schedules and expiries from the database (hub start). */
  start(): void;
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
  function notifyStaff(id: number): Announcement {
    const a = store.withCounts(id)!;
    return toCityHall(staffView(a, a.counts, a.revision));
  }
  /** Tells city hall of one nobody can have answered yet (nothing to read back but a CAP message's signature). */
  const notifyUnanswered = (a: AnnouncementRecord, targeted: number) =>
    a.source === 'cap' ? notifyStaff(a.id) : toCityHall(staffView(a, noReceipts(targeted), null));
  const withdraw = (a: AnnouncementRecord, reason: WithdrawnReason) =>
    terminalsFor(a, store.targetHouseholdIds(a.id))?.emit('announcement:withdrawn', { id: a.id, reason });

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
      at(a.expiresAt, () => expire(a.id)),
    );
  }
  function armSchedule(a: AnnouncementRecord & { sendAt: number }) {
    scheduleTimers.get(a.id)?.cancel();
    scheduleTimers.set(
      a.id,
      at(a.sendAt, () => {
        scheduleTimers.delete(a.id);
        const current = store.get(a.id);
        if (current?.status === 'scheduled') publish(current);
      }),
    );
  }

  // ----- sending

  function sent(a: AnnouncementRecord, householdIds: number[]): Announcement {
    terminalsFor(a, householdIds)?.emit('announcement:published', freshForTerminals(a));
    memory.remember(a, () => householdIds);
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

  function publish(a: AnnouncementRecord): Announcement {
    const now = clock.now();
    if (a.expiresAt !== null && a.expiresAt <= now) return notifyStaff(store.setStatus(a.id, 'expired', now).id);
    const householdIds = store.resolveTarget(a.target);
    return sent(store.publish(a.id, householdIds, now), householdIds); // persisted first, then sent
  }

  function expire(id: number): Announcement | undefined {
    expiryTimers.delete(id);
    const a = store.get(id);
    if (a?.status !== 'published') return;
    store.setStatus(id, 'expired', clock.now());
    memory.forget(id);
    withdraw(a, 'expired');
    return notifyStaff(id);
  }

  function release(a: AnnouncementRecord): Announcement {
    if (a.status === 'scheduled') {
      if (a.sendAt === null || a.sendAt <= clock.now()) return publish(a);
      armSchedule({ ...a, sendAt: a.sendAt });
    }
    return notifyUnanswered(a, 0);
  }

  return {
    publishNew(a, alongside) {
      const householdIds = store.resolveTarget(a.target);
      const stored = store.transaction(() => {
        const rec = store.add(a, { householdIds, at: clock.now() });
        alongside?.(rec);
        return rec;
      });
      return sent(stored, householdIds);
    },

    release,

    changed(a, widenTo = null) {
      if (a.status === 'published') {
        if (a.expiresAt !== null && a.expiresAt <= clock.now()) return expire(a.id) ?? notifyStaff(a.id);
        const payload = freshForTerminals(a);
        terminalsFor(a, store.targetHouseholdIds(a.id))?.emit('announcement:updated', payload);
        if (widenTo && a.target.type !== 'all') {
          const added = store.addTargets(a.id, store.resolveTarget(widenTo));
          if (widenTo.type === 'all')
            ctx.sockets.terminals.to(rooms.allTerminals).emit('announcement:published', payload);
          else if (added.length)
            ctx.sockets.terminals.to(added.map(rooms.household)).emit('announcement:published', payload);
        }
        memory.remember(a, () => store.targetHouseholdIds(a.id));
        armExpiry(a);
      }
      return notifyStaff(a.id);
    },

    notify: notifyStaff,

    cancel(a) {
      const now = clock.now();
      store.setStatus(a.id, 'cancelled', now, { cancelledAt: now });
      store.setRevision(a.id, null);
      disarm(a.id);
      memory.forget(a.id);
      if (a.status === 'published') withdraw(a, 'cancelled');
      return notifyStaff(a.id);
    },

    start() {
      for (const a of store.byStatus('scheduled')) release(a);
      for (const a of store.byStatus('published')) {
        armExpiry(a);
        memory.remember(a, () => store.targetHouseholdIds(a.id));
      }
    },

    stop() {
      for (const t of [...scheduleTimers.values(), ...expiryTimers.values()]) t.cancel();
      scheduleTimers.clear();
      expiryTimers.clear();
    },
  };
}
