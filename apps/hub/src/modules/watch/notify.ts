/**
 * Telling people: watch alerts as the console sees them, who watches a household or district, and
 * the notifications, queued in an outbox and sent after the surrounding transaction has committed
 * (persisted first, then sent).
 */
import type { HelpStatus, NotificationDelivery, WatchAlert } from '@tsunagu/protocol';
import type { TransactionOptions } from '../../db/sql';
import { rooms } from '../../plugins/socket';
import type { HouseholdsStore } from '../households/store';
import { iso, isoOrNull, type Plans, type WatchContext, type WatchDeps, type WatchStores } from './parts';
import type { AlertRecord, WatchStore } from './store';

/**
 * One unit of work: the stores on its transaction (read and write through these inside it), and the
 * notifications waiting for it to commit.
 */
export interface Outbox extends Array<() => unknown>, WatchStores {}

export interface Notifier {
  toDto(alert: AlertRecord): Promise<WatchAlert>;
  /** Watchers of a household (or of a district's households) at the given levels. */
  watcherIdsFor(
    a: { householdId: number | null; districtId: number },
    levels: (l: number) => boolean,
  ): Promise<number[]>;
  /** A new alert (or one a level up): its recipients hear the alarm; others who can see it, the change. */
  raised(outbox: Outbox, alertId: number, recipients: number[]): void;
  updated(outbox: Outbox, alertId: number): void;
  /** The household's row on the watchers' board changed. */
  board(outbox: Outbox, householdId: number): void;
  /**
   * The household's terminals hear today's check-in status. `except`: the socket that checked in,
   * which has its answer in the ack; then only the household's other sockets hear it.
   */
  terminalStatus(outbox: Outbox, householdId: number, except?: string): void;
  /** Someone acknowledged or resolved it: pending notifications stop, a resident's help screen says who. */
  settled(outbox: Outbox, alertId: number, state: 'acknowledged' | 'resolved', actor: string): void;
  /** The household's open help request from its terminal, as the terminal shows it; null when none. */
  helpStatus(householdId: number): Promise<HelpStatus | null>;
  /** Where the notifications sent about an alert are recorded (the notifications module). */
  setDeliveryLookup(lookup: (alertId: number) => Promise<NotificationDelivery[]>): void;
  /** Sends what is queued, in order (each failure is logged, the rest still go). */
  flush(outbox: Outbox): Promise<void>;
  /** Sends what `queue` queues, outside any transaction (the stores are the hub's). */
  send(queue: (outbox: Outbox) => void): Promise<void>;
  /** Runs `write` as one unit of work, then (committed) sends what it queued. */
  inTransaction<T>(write: (outbox: Outbox) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export function createNotifier(
  ctx: WatchContext,
  deps: { alerts: WatchStore; households: HouseholdsStore; plans: Plans } & Pick<
    WatchDeps,
    'userName' | 'checkins' | 'unitOfWork'
  >,
): Notifier {
  const { alerts, households } = deps;
  const staff = ctx.sockets.staff;
  let deliveriesOf: (alertId: number) => Promise<NotificationDelivery[]> = async () => [];

  /** The display name behind an actor `user:<id>:<username>` (the username if the account is gone); null for `system`. */
  async function actorName(actor: string | null): Promise<string | null> {
    const m = /^user:(\d+):(.*)$/.exec(actor ?? '');
    return m ? ((await deps.userName(Number(m[1]))) ?? m[2]!) : null;
  }

  // The board's changed rows go out once per turn of the event loop, as one message: a morning's
  // check-ins come thousands a second, and each message made every open board reload (and cost the
  // hub a watchers read and a broadcast per check-in, issue 17). City hall hears every household;
  // each watcher not in city hall's room, the households they watch.
  let boardPending = new Set<number>();
  function boardChanged(householdId: number) {
    if (boardPending.size === 0) setImmediate(sendBoard);
    boardPending.add(householdId);
  }
  async function sendBoard() {
    const householdIds = [...boardPending];
    boardPending = new Set();
    try {
      const cityhall = rooms.role('cityhall');
      staff.to(cityhall).emit('watch:boardChanged', { householdIds });
      const byUser = new Map<number, number[]>();
      for (const w of await households.watcherUsersOf(householdIds)) {
        const watched = byUser.get(w.userId);
        if (watched) watched.push(w.householdId);
        else byUser.set(w.userId, [w.householdId]);
      }
      for (const [userId, watched] of byUser)
        staff.to(rooms.user(userId)).except(cityhall).emit('watch:boardChanged', { householdIds: watched });
    } catch (err) {
      ctx.log.warn({ err, households: householdIds.length }, 'watch board changes not sent to staff');
    }
  }

  async function toDto(a: AlertRecord): Promise<WatchAlert> {
    return {
      id: a.id,
      kind: a.kind,
      householdId: a.householdId,
      householdName: a.householdName,
      districtId: a.districtId,
      day: a.day,
      state: a.state,
      level: a.level,
      openedAt: iso(a.openedAt),
      nextEscalationAt: a.state === 'open' ? isoOrNull(a.nextStepAt) : null,
      acknowledgedAt: isoOrNull(a.acknowledgedAt),
      acknowledgedBy: a.acknowledgedBy,
      acknowledgedByName: await actorName(a.acknowledgedBy),
      resolvedAt: isoOrNull(a.resolvedAt),
      resolvedBy: a.resolvedBy,
      resolvedByName: await actorName(a.resolvedBy),
      outcome: a.outcome,
      note: a.note,
      possibleOutage: a.possibleOutage,
      announcementId: a.announcementId,
      test: a.planTestId !== null,
      events: await Promise.all(
        (await alerts.events(a.id)).map(async (e) => ({
          id: e.id,
          at: iso(e.at),
          type: e.type,
          actor: e.actor,
          actorName: await actorName(e.actor),
          level: e.level,
          detail: e.detail,
        })),
      ),
      deliveries: await deliveriesOf(a.id),
    };
  }

  async function helpStatus(householdId: number): Promise<HelpStatus | null> {
    const a = (await alerts.activeForHousehold(householdId, 'help_request'))
      .filter((x) => x.announcementId === null)
      .at(-1);
    if (!a) return null;
    const userId = Number(/^user:(\d+):/.exec(a.acknowledgedBy ?? '')?.[1] ?? Number.NaN);
    return {
      alertId: a.id,
      state: a.state,
      requestedAt: iso(a.openedAt),
      seenBy: Number.isInteger(userId) ? await deps.userName(userId) : null,
      seenAt: isoOrNull(a.acknowledgedAt),
    };
  }

  async function watcherIdsFor(
    a: { householdId: number | null; districtId: number },
    levels: (l: number) => boolean,
  ): Promise<number[]> {
    const ids = new Set<number>();
    // A family member hears of their own household only, never of a whole district.
    const district = a.householdId === null;
    const watchers =
      a.householdId !== null
        ? await households.watchersOf(a.householdId)
        : await households.watchersInDistrict(a.districtId);
    for (const w of watchers) if (levels(w.level) && !(district && w.watcherKind === 'family')) ids.add(w.userId);
    return [...ids];
  }

  // In the order queued: a send may read first (async), the next waits for it.
  async function flush(outbox: Outbox) {
    for (const send of outbox) {
      try {
        await send();
      } catch (err) {
        ctx.log.error({ err }, 'watch notification failed');
      }
    }
  }
  const outboxOn = (stores: WatchStores): Outbox => Object.assign([], stores);

  return {
    toDto,
    watcherIdsFor,
    flush,
    helpStatus,
    setDeliveryLookup(lookup) {
      deliveriesOf = lookup;
    },
    send(queue) {
      const outbox = outboxOn(deps);
      queue(outbox);
      return flush(outbox);
    },
    async inTransaction(write, options) {
      let outbox = outboxOn(deps);
      const out = await deps.unitOfWork((stores) => {
        outbox = outboxOn(stores);
        return write(outbox);
      }, options);
      await flush(outbox);
      return out;
    },
    raised(outbox, alertId, recipients) {
      outbox.push(async () => {
        const a = await alerts.get(alertId);
        if (!a) return;
        const dto = await toDto(a);
        const raisedRooms = [rooms.role('cityhall'), ...recipients.map(rooms.user)];
        staff.to(raisedRooms).emit('watch:alertRaised', dto);
        // Everyone else who can see it hears of the change, without the alarm sound.
        const others = (await watcherIdsFor(a, () => true)).filter((id) => !recipients.includes(id));
        if (others.length) staff.to(others.map(rooms.user)).except(raisedRooms).emit('watch:alertUpdated', dto);
        // Beyond the console: e-mail, phones (the notifications module).
        ctx.events.emit('watch.alertRaised', { alertId, level: a.level, recipients, at: ctx.clock.now() });
      });
    },
    settled(outbox, alertId, state, actor) {
      outbox.push(async () => {
        const a = await alerts.get(alertId);
        if (!a) return;
        ctx.events.emit('watch.alertSettled', { alertId, state, actor, at: ctx.clock.now() });
        if (a.kind === 'help_request' && a.householdId !== null && a.announcementId === null) {
          // The resident hears who has seen their request (or that it was dealt with).
          const status: HelpStatus = (await helpStatus(a.householdId)) ?? {
            alertId: a.id,
            state: a.state,
            requestedAt: iso(a.openedAt),
            seenBy: null,
            seenAt: isoOrNull(a.acknowledgedAt),
          };
          ctx.sockets.terminals.to(rooms.household(a.householdId)).emit('help:statusChanged', status);
        }
      });
    },
    updated(outbox, alertId) {
      outbox.push(async () => {
        const a = await alerts.get(alertId);
        if (!a) return;
        const dto = await toDto(a);
        staff
          .to([rooms.role('cityhall'), ...(await watcherIdsFor(a, () => true)).map(rooms.user)])
          .emit('watch:alertUpdated', dto);
      });
    },
    board(outbox, householdId) {
      outbox.push(() => boardChanged(householdId));
    },
    terminalStatus(outbox, householdId, except) {
      outbox.push(async () => {
        const room = rooms.household(householdId);
        // Nothing to send when the terminal that checked in is the household's only socket: the
        // status read and a broadcast per check-in were a third of the hub's time at a morning's
        // peak (issue 17), and the ack has already told it the check-in counted.
        if (except !== undefined && !ctx.sockets.othersInTerminalRoom(room, except)) return;
        const status = await deps.plans.status(householdId);
        const to = ctx.sockets.terminals.to(room);
        (except === undefined ? to : to.except(except)).emit('checkin:statusChanged', status);
      });
    },
  };
}
