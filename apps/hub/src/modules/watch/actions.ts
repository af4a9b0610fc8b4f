/** What people do with watch alerts (acknowledge, resolve), and a concern noted at a delivery, which raises one. */
import type { AlertOutcome, WatcherOutcome } from '@tsunagu/protocol';
import { AppError, notFound } from '../../lib/errors';
import type { DomainEvents } from '../../lib/events';
import type { Notifier } from './notify';
import { MINUTE, type Plans, type WatchContext, type WatchDeps } from './parts';
import type { AlertRecord } from './store';

export interface AlertActions {
  acknowledge(alertId: number, actor: string): AlertRecord;
  resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): AlertRecord;
  /** Raises a concern alert to the household's first watchers; returns when it escalates unless acknowledged. */
  concern(e: DomainEvents['household.concern']): number | null;
}

export function createAlertActions(
  ctx: WatchContext,
  deps: WatchDeps & { plans: Plans; notify: Notifier; alertRaised(kind: string): void },
): AlertActions {
  const { alerts, households, plans, notify } = deps;
  const notOpen = () => new AppError(409, 'ALERT_NOT_OPEN', 'This alert has already been acknowledged or resolved.');
  const resolved = () => new AppError(409, 'ALERT_RESOLVED', 'This alert has already been resolved.');

  return {
    acknowledge(alertId, actor) {
      const a = alerts.get(alertId);
      if (!a) throw notFound('alert');
      if (a.state !== 'open') throw notOpen();
      const now = ctx.clock.now();
      notify.inTransaction((outbox) => {
        if (!alerts.acknowledge(alertId, now, actor)) throw notOpen();
        alerts.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
        notify.updated(outbox, alertId);
      });
      return alerts.get(alertId)!;
    },

    resolve(alertId, actor, outcome, note) {
      const a = alerts.get(alertId);
      if (!a) throw notFound('alert');
      if (a.state === 'resolved') throw resolved();
      const now = ctx.clock.now();
      notify.inTransaction((outbox) => {
        // Resolving implies having seen it: record the acknowledgement too when it was skipped.
        if (a.state === 'open' && alerts.acknowledge(alertId, now, actor)) {
          alerts.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
        }
        if (!alerts.resolve(alertId, now, actor, outcome satisfies AlertOutcome, note)) throw resolved();
        alerts.addEvent(alertId, { at: now, type: 'resolved', actor, level: a.level, detail: { outcome, note } });
        notify.updated(outbox, alertId);
        if (a.householdId !== null) notify.board(outbox, a.householdId);
      });
      return alerts.get(alertId)!;
    },

    concern(e) {
      const h = households.get(e.householdId);
      if (!h) return null;
      const ackTimeout = plans.planFor(h.id).ackTimeoutMinutes * MINUTE;
      notify.inTransaction((outbox) => {
        const now = ctx.clock.now();
        const id = alerts.create(
          {
            kind: 'concern',
            householdId: h.id,
            districtId: h.districtId,
            day: null,
            sinceAt: e.at,
            level: 1,
            openedAt: now,
            nextStepAt: now + ackTimeout,
            possibleOutage: false,
          },
          { source: e.source, note: e.note },
        );
        if (id === null) return;
        deps.alertRaised('concern');
        const recipients = notify.watcherIdsFor({ householdId: h.id, districtId: h.districtId }, (l) => l === 1);
        alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
        notify.raised(outbox, id, recipients);
        notify.board(outbox, h.id);
      });
      return ctx.clock.now() + ackTimeout;
    },
  };
}
