/**
 * Delivery: publishing to the targeted terminals (persisted first, then sent, one broadcast per
 * change serialised once by Socket.IO for all its rooms), send-time and expiry timers, updates,
 * withdrawals, and telling city hall of every change. Every change terminals see also sends its
 * notice to every hub on the same database (`ANNOUNCEMENTS_CHANNEL`, db/changes.ts) inside the unit
 * of work that makes it: their catch-up lists and emergency memories read it again, and on several
 * hubs (PostgreSQL) each hub tells its own terminals from that notice (per-hub.ts), not this one
 * through the Redis adapter. On SQLite (one hub, no notices) this hub sends to its terminals itself.
 *
 * The send-time and expiry timers are a job with one runner among hubs (`timers`, added to
 * `ctx.jobs` as 'announcement timers'): the hub that runs it arms them from the database when it
 * starts (sending at once what fell due while no hub ran them) and re-arms one announcement when
 * it hears `ANNOUNCEMENT_TIMERS_CHANNEL`, which every hub notifies when it makes a change that moves
 * a send time or an expiry. Leadership is a hint, so each timer's write is a state transition
 * (`publish` from 'scheduled', expiry from 'published'): of two hubs' timers, one sends or expires.
 */
import type { Announcement, AnnouncementTarget, WithdrawnReason } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import type { Job } from '../../plugins/jobs';
import { rooms } from '../../plugins/socket';
import { EmergencyMemory } from './emergency-memory';
import { hubTerminals, type ToTerminals } from './per-hub';
import { type AnnouncementRecord, type AnnouncementsStore, type NewAnnouncement, noReceipts } from './store';
import { freshForTerminals, staffView } from './views';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The change-feed channel of announcements whose published state changed: the announcement's id. */
export const ANNOUNCEMENTS_CHANNEL = 'announcements_changed';
/** The change-feed channel of announcements whose send time or expiry may have moved: the id. */
export const ANNOUNCEMENT_TIMERS_CHANNEL = 'announcement_timers';

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
  /**
   * Inside the unit of work that changes what terminals see (`tx`): the notice of it to every hub,
   * delivered when it commits. On several hubs, the only way terminals hear of the change.
   */
  noticeIn(tx: AnnouncementsStore, id: number): Promise<void>;
  /**
   * A hub (this one too) changed this announcement: the emergency memory reads it again, and on
   * several hubs this hub's terminals are told (one notice at a time, in the order heard).
   */
  heard(id: number): Promise<void>;
  /** Changes may have been missed: every published announcement is read again (as by `heard`). */
  heardAll(): Promise<void>;
  /** Hub start: the emergency memory, and what this hub's terminals are told on connect, from the database. */
  rememberAll(): Promise<void>;
  /**
   * The send-time and expiry timers, a job of `ctx.jobs` (one hub runs it): started, it arms them
   * from the database; `ready` settles when that first pass is done.
   */
  timers: Omit<Job, 'stop'> & { stop(): Promise<void>; ready(): Promise<void> };
  /** A hub told us an announcement's timers may have moved: re-armed here if this hub runs them. */
  rearm(id: number): Promise<void>;
  /** Changes may have been missed: every timer is armed again from the database (if this hub runs them). */
  rearmAll(): Promise<void>;
  stop(): Promise<void>;
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

  // Several hubs share the change feed (PostgreSQL): each tells its own terminals from the notices.
  const perHub = ctx.changes.shared;
  const terminals = perHub ? ctx.sockets.terminals.local : ctx.sockets.terminals;
  function terminalsFor(a: AnnouncementRecord, householdIds: number[]) {
    if (a.target.type === 'all') return terminals.to(rooms.allTerminals);
    // An empty room list would mean "everyone": never send then.
    if (householdIds.length === 0) return null;
    return terminals.to(householdIds.map(rooms.household));
  }
  const toTerminals: ToTerminals = (a, householdIds, { event, payload }) =>
    (terminalsFor(a, householdIds)?.emit as ((e: string, p: unknown) => void) | undefined)?.(event, payload);
  const here = perHub ? hubTerminals(store, toTerminals) : null;
  /** A test's fault (TSUNAGU_FAULT_DIE_AFTER_COMMIT=title): killed right after publishing it, before anything is sent. */
  const dieAfterCommit = process.env.TSUNAGU_FAULT_DIE_AFTER_COMMIT;
  const toCityHall = (view: Announcement) => {
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('announcement:changed', view);
    return view;
  };
  /** Tells city hall of a change: the announcement read back with its counts, in one query. */
  async function notifyStaff(id: number): Promise<Announcement> {
    const a = (await store.withCounts(id))!;
    return toCityHall(staffView(a, a.counts, a.revision));
  }
  const noticeIn = (tx: AnnouncementsStore, id: number) => ctx.changes.notify(tx.sql, ANNOUNCEMENTS_CHANNEL, id);
  /**
   * `work` and, when it returns something, its notice to every hub, in one unit of work (on SQLite,
   * where nobody else listens, `work` alone as before).
   */
  const noticed = <T>(id: number, work: (tx: AnnouncementsStore) => Promise<T | undefined>) =>
    perHub
      ? store.transaction(async (tx) => {
          const out = await work(tx);
          if (out !== undefined) await noticeIn(tx, id);
          return out;
        })
      : work(store);
  /** Tells city hall of one nobody can have answered yet (nothing to read back but a CAP message's signature). */
  const notifyUnanswered = async (a: AnnouncementRecord, targeted: number) =>
    a.source === 'cap' ? notifyStaff(a.id) : toCityHall(staffView(a, noReceipts(targeted), null));
  const withdraw = async (a: AnnouncementRecord, reason: WithdrawnReason) => {
    if (perHub) return; // told by every hub from the notice
    const households = a.target.type === 'all' ? [] : await store.targetHouseholdIds(a.id);
    terminalsFor(a, households)?.emit('announcement:withdrawn', { id: a.id, reason });
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
  /** Whether this hub runs the timers (the 'announcement timers' job is started here). */
  let running = false;
  /** Work started by a timer or a re-arm, awaited when the job stops (and by `ready`). */
  const underWay = new Set<Promise<unknown>>();
  const track = (what: string, work: () => Promise<unknown>) => {
    const p = work()
      .catch((err: unknown) => ctx.log.error({ err }, `announcement ${what} failed`))
      .finally(() => underWay.delete(p));
    underWay.add(p);
    return p;
  };
  /** The timers may have moved: armed here when this hub runs them, and the hub that does is told. */
  function timersMoved(a: AnnouncementRecord) {
    if (running) arm(a);
    void ctx.changes
      .notify(ctx.sql, ANNOUNCEMENT_TIMERS_CHANNEL, a.id)
      .catch((err: unknown) => ctx.log.error({ err }, 'telling the hub running announcement timers failed'));
  }
  /**
   * Arms what this announcement's state calls for (its send time if scheduled, its expiry if
   * published), or does it at once when that time has passed (e.g. while no hub ran the timers).
   */
  function arm(a: AnnouncementRecord) {
    disarm(a.id);
    if (!running) return;
    // Scheduled without a send time: to go out now (approved, or its hub stopped before sending it).
    if (a.status === 'scheduled') armAt(scheduleTimers, a.id, a.sendAt ?? clock.now(), 'send', sendScheduled);
    else if (a.status === 'published' && a.expiresAt !== null) armAt(expiryTimers, a.id, a.expiresAt, 'expiry', expire);
  }
  function armAt(
    timers: Map<number, TimerHandle>,
    id: number,
    when: number,
    what: string,
    work: (id: number) => Promise<unknown>,
  ) {
    if (when <= clock.now()) void track(what, () => work(id));
    else
      timers.set(
        id,
        at(when, () => void track(what, () => work(id))),
      );
  }
  async function sendScheduled(id: number) {
    scheduleTimers.delete(id);
    const current = await store.get(id);
    if (current?.status === 'scheduled') await publish(current);
  }
  /** Every timer from the database: what fell due while no hub ran them goes at once. */
  async function armAll() {
    if (!running) return;
    for (const a of await store.byStatus('scheduled')) if (running) arm(a);
    for (const a of await store.byStatus('published')) if (running) arm(a);
  }
  function cancelAll() {
    for (const t of [...scheduleTimers.values(), ...expiryTimers.values()]) t.cancel();
    scheduleTimers.clear();
    expiryTimers.clear();
  }
  let first: Promise<unknown> = Promise.resolve();
  const timers: Delivery['timers'] = {
    start() {
      running = true;
      first = track('timers start', armAll);
    },
    async stop() {
      running = false;
      cancelAll();
      while (underWay.size > 0) await Promise.all([...underWay]);
    },
    ready: async () => void (await first),
  };

  // ----- sending

  function sent(a: AnnouncementRecord, householdIds: number[]): Promise<Announcement> {
    if (dieAfterCommit !== undefined && a.titleJa === dieAfterCommit) process.kill(process.pid, 'SIGKILL');
    if (!perHub) terminalsFor(a, householdIds)?.emit('announcement:published', freshForTerminals(a));
    memory.remember(a, householdIds);
    published.inc({ kind: a.kind });
    if (a.expiresAt !== null) timersMoved(a);
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
    // Past its expiry before it went out: expired once (another hub's timer may be here too).
    if (a.expiresAt !== null && a.expiresAt <= now) {
      await store.transition(a.id, 'scheduled', 'expired', now);
      return notifyStaff(a.id);
    }
    const householdIds = await store.resolveTarget(a.target);
    const stored = await noticed(a.id, (tx) => tx.publish(a.id, householdIds, now));
    // Not scheduled any more (cancelled meanwhile, or sent by another hub): nothing to send.
    if (!stored) return notifyStaff(a.id);
    return sent(stored, householdIds); // persisted first, then sent
  }

  async function expire(id: number): Promise<Announcement | undefined> {
    expiryTimers.delete(id);
    const a = await store.get(id);
    // A state transition: of two hubs' timers (or a timer and an edit), one expires it and withdraws.
    if (a?.status !== 'published') return;
    if (!(await noticed(id, (tx) => tx.transition(id, 'published', 'expired', clock.now())))) return;
    memory.forget(id);
    await withdraw(a, 'expired');
    return notifyStaff(id);
  }

  async function release(a: AnnouncementRecord): Promise<Announcement> {
    if (a.status === 'scheduled') {
      if (a.sendAt === null || a.sendAt <= clock.now()) return publish(a);
      timersMoved(a);
    }
    return notifyUnanswered(a, 0);
  }

  /** Reads a published emergency's targets into the memory (anything else is forgotten). */
  async function remember(a: AnnouncementRecord) {
    if (a.kind === 'emergency' && a.status === 'published') memory.remember(a, await store.targetHouseholdIds(a.id));
    else memory.forget(a.id);
  }
  /** Notices are handled one at a time, in the order heard (so terminals are told in commit order). */
  let hearing: Promise<unknown> = Promise.resolve();
  const inTurn = (work: () => Promise<void>) => {
    const turn = hearing.then(work);
    hearing = turn.catch(() => undefined);
    return turn;
  };

  return {
    async publishNew(a, alongside) {
      const householdIds = await store.resolveTarget(a.target);
      const stored = await store.transaction(async (tx) => {
        const rec = await tx.add(a, { householdIds, at: clock.now() });
        await alongside?.(rec, tx);
        await noticeIn(tx, rec.id);
        return rec;
      });
      return sent(stored, householdIds);
    },

    release,

    async changed(a, widenTo = null) {
      if (a.status === 'published') {
        if (a.expiresAt !== null && a.expiresAt <= clock.now()) return (await expire(a.id)) ?? notifyStaff(a.id);
        const payload = freshForTerminals(a);
        if (!perHub)
          terminalsFor(a, a.target.type === 'all' ? [] : await store.targetHouseholdIds(a.id))?.emit(
            'announcement:updated',
            payload,
          );
        if (widenTo && a.target.type !== 'all') {
          const wider = await store.resolveTarget(widenTo);
          const added = await noticed(a.id, (tx) => tx.addTargets(a.id, wider));
          // (On several hubs, each tells its own terminals from the notice.)
          if (!perHub && widenTo.type === 'all')
            ctx.sockets.terminals.to(rooms.allTerminals).emit('announcement:published', payload);
          else if (!perHub && added?.length)
            ctx.sockets.terminals.to(added.map(rooms.household)).emit('announcement:published', payload);
        }
        await remember(a);
      }
      // A scheduled one's send time may have moved too. (Other hubs heard of the new content from
      // its notice, sent in the unit of work that stored it: `noticeIn`.)
      timersMoved(a);
      return notifyStaff(a.id);
    },

    notify: notifyStaff,

    async cancel(a) {
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.setStatus(a.id, 'cancelled', now, { cancelledAt: now });
        await tx.setRevision(a.id, null);
        await noticeIn(tx, a.id);
      });
      // Its timers go, here and on the hub running them (they would find it cancelled and do nothing).
      timersMoved({ ...a, status: 'cancelled' });
      memory.forget(a.id);
      if (a.status === 'published') await withdraw(a, 'cancelled');
      return notifyStaff(a.id);
    },

    noticeIn,

    heard: (id) =>
      inTurn(async () => {
        const a = await store.get(id);
        if (a) await remember(a);
        else memory.forget(id);
        await here?.heard(id, a);
      }),

    heardAll: () =>
      inTurn(async () => {
        const published = await store.byStatus('published');
        for (const a of published) await remember(a);
        await here?.heardAll(published);
      }),

    async rememberAll() {
      const published = await store.byStatus('published');
      for (const a of published) await remember(a);
      await here?.know(published);
    },

    timers,

    async rearm(id) {
      if (!running) return;
      await track('re-arm', async () => {
        const a = await store.get(id);
        if (a && running) arm(a);
        else if (!a) disarm(id);
      });
    },

    async rearmAll() {
      if (running) await track('re-arm', armAll);
    },

    async stop() {
      await timers.stop();
      await hearing;
    },
  };
}
