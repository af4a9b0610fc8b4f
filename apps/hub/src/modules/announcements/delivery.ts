/**
 * Delivery: publishing to the targeted terminals (persisted first, then sent, one broadcast per
 * change serialised once by Socket.IO for all its rooms), send-time and expiry timers, updates,
 * withdrawals, and telling city hall of every change.
 */
import type { Announcement, AnnouncementTarget, ReceiptCounts, WithdrawnReason } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { rooms } from '../../plugins/socket';
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
  /** After new content: the terminals that have it show it again; the expiry is re-armed. */
  changed(a: AnnouncementRecord): Announcement;
  /** A published announcement now also reaches the households of `target` (nobody loses it). */
  widen(a: AnnouncementRecord, target: AnnouncementTarget): void;
  cancel(a: AnnouncementRecord): Announcement;
  /** Re-arms schedules and expiries from the database (hub start). */
  start(): void;
  stop(): void;
}

export function createDelivery(ctx: HubContext, store: AnnouncementsStore): Delivery {
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
  /** Tells city hall; `counts` when known without asking the database (nothing answered yet). */
  function notifyStaff(a: AnnouncementRecord, counts: ReceiptCounts = store.counts(a.id)): Announcement {
    const view = staffView(a, counts);
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('announcement:changed', view);
    return view;
  }
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
    published.inc({ kind: a.kind });
    armExpiry(a);
    return notifyStaff(a, noReceipts(householdIds.length));
  }

  function publish(a: AnnouncementRecord): Announcement {
    const now = clock.now();
    if (a.expiresAt !== null && a.expiresAt <= now) return notifyStaff(store.setStatus(a.id, 'expired', now));
    const householdIds = store.resolveTarget(a.target);
    return sent(store.publish(a.id, householdIds, now), householdIds); // persisted first, then sent
  }

  function expire(id: number) {
    expiryTimers.delete(id);
    const a = store.get(id);
    if (a?.status !== 'published') return;
    const expired = store.setStatus(id, 'expired', clock.now());
    withdraw(a, 'expired');
    notifyStaff(expired);
  }

  function release(a: AnnouncementRecord): Announcement {
    if (a.status === 'scheduled') {
      if (a.sendAt === null || a.sendAt <= clock.now()) return publish(a);
      armSchedule({ ...a, sendAt: a.sendAt });
    }
    return notifyStaff(a, noReceipts(0));
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

    changed(a) {
      if (a.status === 'published') {
        if (a.expiresAt !== null && a.expiresAt <= clock.now()) {
          expire(a.id);
          return staffView(store.get(a.id)!, store.counts(a.id));
        }
        terminalsFor(a, store.targetHouseholdIds(a.id))?.emit('announcement:updated', freshForTerminals(a));
        armExpiry(a);
      }
      return notifyStaff(a);
    },

    widen(a, target) {
      if (a.status !== 'published' || a.target.type === 'all') return;
      const added = store.addTargets(a.id, store.resolveTarget(target));
      if (target.type === 'all')
        ctx.sockets.terminals.to(rooms.allTerminals).emit('announcement:published', freshForTerminals(a));
      else if (added.length)
        ctx.sockets.terminals.to(added.map(rooms.household)).emit('announcement:published', freshForTerminals(a));
    },

    cancel(a) {
      const now = clock.now();
      const cancelled = store.setStatus(a.id, 'cancelled', now, { cancelledAt: now });
      disarm(a.id);
      if (a.status === 'published') withdraw(a, 'cancelled');
      return notifyStaff(cancelled);
    },

    start() {
      for (const a of store.byStatus('scheduled')) release(a);
      for (const a of store.byStatus('published')) armExpiry(a);
    },

    stop() {
      for (const t of [...scheduleTimers.values(), ...expiryTimers.values()]) t.cancel();
      scheduleTimers.clear();
      expiryTimers.clear();
    },
  };
}
