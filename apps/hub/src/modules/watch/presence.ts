/**
 * Terminal presence: an alert for a terminal offline longer than its plan allows, one alert for a
 * district-wide outage instead of one per household, and recovery when terminals come back.
 */
import type { WatchedHousehold } from '../checkins/store';
import type { Notifier, Outbox } from './notify';
import {
  DEFAULT_OUTAGE_RULE,
  iso,
  MINUTE,
  type OutageRule,
  type Plans,
  type WatchContext,
  type WatchDeps,
} from './parts';
import { levelOneAlert } from './store';

export interface Presence {
  /** Offline alerts and district outages. Returns when presence next needs a look. */
  check(outbox: Outbox, watched: WatchedHousehold[], now: number): Promise<number>;
  /** A terminal of the household connected: its offline alerts close. */
  connected(householdId: number): Promise<void>;
  /** A terminal of the household disconnected. */
  disconnected(householdId: number): Promise<void>;
}

export function createPresence(
  ctx: WatchContext,
  deps: WatchDeps & { plans: Plans; notify: Notifier; alertRaised(kind: string): void; outage?: Partial<OutageRule> },
): Presence {
  const { plans, notify, alertRaised } = deps;
  const outageRule: OutageRule = { ...DEFAULT_OUTAGE_RULE, ...deps.outage };
  // A terminal cannot have been seen while the hub was down: offline time counts from start-up.
  const startedAt = ctx.clock.now();

  /** Terminal offline alerts and district outages. Returns when presence next needs a look. */
  async function checkPresence(outbox: Outbox, watched: WatchedHousehold[], now: number): Promise<number> {
    const { alerts } = outbox;
    let next = Number.POSITIVE_INFINITY;
    const byDistrict = new Map<number, WatchedHousehold[]>();
    for (const h of watched) {
      const members = byDistrict.get(h.districtId);
      if (members) members.push(h);
      else byDistrict.set(h.districtId, [h]);
    }
    const offlineSince = (h: WatchedHousehold) => Math.max(h.lastSeenAt ?? h.enrolledAt, startedAt);
    const isOffline = (h: WatchedHousehold) => !h.online && deps.connectedCount(h.terminalId) === 0;

    for (const [districtId, members] of byDistrict) {
      const down = members
        .filter((h) => isOffline(h) && now - offlineSince(h) >= outageRule.downAfterMs)
        .map(offlineSince)
        .sort((a, b) => a - b);
      for (const h of members)
        if (isOffline(h) && now - offlineSince(h) < outageRule.downAfterMs)
          next = Math.min(next, offlineSince(h) + outageRule.downAfterMs);
      // Largest group of terminals that went down within `togetherWithinMs` of each other.
      let together = 0;
      for (let i = 0, j = 0; j < down.length; j++) {
        while (down[j]! - down[i]! > outageRule.togetherWithinMs) i++;
        together = Math.max(together, j - i + 1);
      }
      const isOutage = together >= outageRule.minTerminals && together / members.length >= outageRule.share;
      const active = await alerts.activeDistrictOutage(districtId);
      if (isOutage && !active) {
        const id = await alerts.create(
          levelOneAlert(now, { kind: 'district_outage', householdId: null, districtId, sinceAt: down[0] ?? now }),
          { offline: down.length, terminals: members.length },
        );
        if (id !== null) {
          alertRaised('district_outage');
          const recipients = await notify.watcherIdsFor({ householdId: null, districtId }, (l) => l === 1);
          await alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
          notify.raised(outbox, id, recipients);
          for (const h of members) {
            for (const missed of await alerts.activeForHousehold(h.householdId, 'missed_checkin')) {
              if (await alerts.markPossibleOutage(missed.id)) {
                await alerts.addEvent(missed.id, {
                  at: now,
                  type: 'marked_possible_outage',
                  actor: 'system',
                  level: missed.level,
                  detail: { outageAlertId: id },
                });
                notify.updated(outbox, missed.id);
              }
            }
          }
        }
      } else if (!isOutage && active && active.state !== 'resolved' && down.length < outageRule.minTerminals) {
        if (
          await alerts.resolve(
            active.id,
            now,
            'system',
            'back_online',
            `${members.length - down.length} of ${members.length} terminals are back online.`,
          )
        ) {
          await alerts.addEvent(active.id, {
            at: now,
            type: 'recovered',
            actor: 'system',
            level: active.level,
            detail: { offline: down.length },
          });
          notify.updated(outbox, active.id);
          notify.settled(outbox, active.id, 'resolved', 'system');
        }
      }
      const outageNow = isOutage || (active !== undefined && down.length >= outageRule.minTerminals);

      for (const h of members) {
        if (!isOffline(h)) continue;
        const threshold = (await plans.planFor(h.householdId)).offlineAlertMinutes * MINUTE;
        const dueAt = offlineSince(h) + threshold;
        if (now < dueAt) {
          next = Math.min(next, dueAt);
          continue;
        }
        // One district alert instead of one per household.
        if (outageNow || (await alerts.activeForHousehold(h.householdId, 'terminal_offline')).length > 0) continue;
        const id = await alerts.create(
          levelOneAlert(now, {
            kind: 'terminal_offline',
            householdId: h.householdId,
            districtId,
            sinceAt: offlineSince(h),
          }),
          { offlineSince: iso(offlineSince(h)) },
        );
        if (id !== null) {
          alertRaised('terminal_offline');
          const recipients = await notify.watcherIdsFor(h, (l) => l === 1);
          await alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
          notify.raised(outbox, id, recipients);
          notify.board(outbox, h.householdId);
        }
      }
    }
    return next;
  }

  return {
    check: checkPresence,
    async connected(householdId) {
      // Nearly always nothing to close: then no unit of work of its own, only the board told. (It was
      // one per terminal connecting, ten thousand in a reconnect storm, each taking the database's
      // write lock, or a PostgreSQL transaction, for nothing.) Closing re-reads the alerts inside.
      if ((await deps.alerts.activeForHousehold(householdId, 'terminal_offline')).length === 0)
        return notify.send((outbox) => notify.board(outbox, householdId));
      return notify.inTransaction(async (outbox) => {
        const { alerts } = outbox;
        const now = ctx.clock.now();
        for (const a of await alerts.activeForHousehold(householdId, 'terminal_offline')) {
          if (await alerts.resolve(a.id, now, 'system', 'back_online', 'The terminal is back online.')) {
            await alerts.addEvent(a.id, { at: now, type: 'recovered', actor: 'system', level: a.level });
            notify.updated(outbox, a.id);
            notify.settled(outbox, a.id, 'resolved', 'system');
          }
        }
        notify.board(outbox, householdId);
      });
    },
    disconnected: (householdId) => notify.send((outbox) => notify.board(outbox, householdId)),
  };
}
