/**
 * Alerts raised at once to a household's first watchers, without waiting for a deadline: a concern
 * noted by someone who saw or spoke with the resident, the resident asking for help (terminal or
 * safety check), a safety check left unanswered, a planned call nobody answered.
 */
import type { AlertKind, Household } from '@tsunagu/protocol';
import type { DomainEvents } from '../../lib/events';
import type { Notifier, Outbox } from './notify';
import { MINUTE, type Plans, type WatchContext, type WatchDeps } from './parts';

export interface ImmediateAlerts {
  /** A concern alert to the household's first watchers; returns when it escalates unless acknowledged. */
  concern(e: DomainEvents['household.concern']): Promise<number | null>;
  /** A help request (once per safety check; from the terminal, one open request at a time). */
  helpRequested(e: DomainEvents['household.helpRequested']): Promise<{ alertId: number; escalatesAt: number } | null>;
  callMissed(e: DomainEvents['household.callMissed']): Promise<number | null>;
  /** Safety checks whose wait for answers is over: their unanswered households are alerted. */
  safetyFollowups(outbox: Outbox, now: number): Promise<void>;
}

export function createImmediateAlerts(
  ctx: WatchContext,
  deps: WatchDeps & { plans: Plans; notify: Notifier; alertRaised(kind: string): void; urgentAckMs: number },
): ImmediateAlerts {
  const { households, plans, notify } = deps;

  /** Opens an alert at level 1 and tells the level-1 watchers; null when one like it exists. */
  async function raise(
    outbox: Outbox,
    h: Household,
    spec: {
      kind: AlertKind;
      sinceAt: number;
      urgent: boolean;
      announcementId?: number | null;
      detail: Record<string, unknown>;
    },
  ): Promise<{ alertId: number; escalatesAt: number } | null> {
    const { alerts } = outbox;
    const now = ctx.clock.now();
    const planAck = (await plans.planFor(h.id)).ackTimeoutMinutes * MINUTE;
    const ackTimeout = spec.urgent ? Math.min(deps.urgentAckMs, planAck) : planAck;
    const id = await alerts.create(
      {
        kind: spec.kind,
        householdId: h.id,
        districtId: h.districtId,
        day: null,
        sinceAt: spec.sinceAt,
        level: 1,
        openedAt: now,
        nextStepAt: now + ackTimeout,
        possibleOutage: false,
        announcementId: spec.announcementId ?? null,
      },
      spec.detail,
    );
    if (id === null) return null;
    deps.alertRaised(spec.kind);
    const recipients = await notify.watcherIdsFor({ householdId: h.id, districtId: h.districtId }, (l) => l === 1);
    await alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
    notify.raised(outbox, id, recipients);
    notify.board(outbox, h.id);
    return { alertId: id, escalatesAt: now + ackTimeout };
  }

  /** Raises an alert in a transaction of its own; when it escalates, or null (no such household, or one like it is open). */
  async function raiseAlone(householdId: number, spec: Parameters<typeof raise>[2]): Promise<number | null> {
    const h = await households.get(householdId);
    if (!h) return null;
    const raised = await notify.inTransaction((outbox) => raise(outbox, h, spec));
    return raised?.escalatesAt ?? null;
  }

  return {
    concern: (e) =>
      raiseAlone(e.householdId, {
        kind: 'concern',
        sinceAt: e.at,
        urgent: e.urgency === 'urgent',
        detail: { source: e.source, note: e.note, ...(e.urgency ? { urgency: e.urgency } : {}) },
      }),

    async helpRequested(e) {
      const h = await households.get(e.householdId);
      if (!h) return null;
      return notify.inTransaction(async (outbox) => {
        if (e.source === 'terminal') {
          // One open request at a time: pressing again is noted on it (and heard again), not a second alert.
          const open = (await outbox.alerts.activeForHousehold(h.id, 'help_request')).find(
            (a) => a.announcementId === null,
          );
          if (open) {
            const now = ctx.clock.now();
            await outbox.alerts.addEvent(open.id, { at: now, type: 'asked_again', actor: 'system', level: open.level });
            notify.raised(
              outbox,
              open.id,
              await notify.watcherIdsFor({ householdId: h.id, districtId: h.districtId }, (l) => l <= open.level),
            );
            return { alertId: open.id, escalatesAt: open.nextStepAt ?? now };
          }
        }
        return raise(outbox, h, {
          kind: 'help_request',
          sinceAt: e.at,
          urgent: true,
          announcementId: e.announcementId,
          detail: { source: e.source, ...(e.announcementId !== null ? { announcementId: e.announcementId } : {}) },
        });
      });
    },

    callMissed: (e) =>
      raiseAlone(e.householdId, {
        kind: 'missed_call',
        sinceAt: e.at,
        urgent: false,
        detail: { callId: e.callId, scheduleId: e.scheduleId },
      }),

    async safetyFollowups(outbox, now) {
      for (const announcementId of await outbox.alerts.dueSafetyFollowups(now)) {
        await outbox.alerts.safetyFollowupDone(announcementId, now);
        const unanswered = (await deps.unansweredHouseholds?.(announcementId)) ?? [];
        for (const householdId of unanswered) {
          const h = await households.get(householdId);
          if (!h) continue;
          await raise(outbox, h, {
            kind: 'safety_unanswered',
            sinceAt: now,
            urgent: false,
            announcementId,
            detail: { announcementId },
          });
        }
      }
    },
  };
}
