/**
 * The daily schedule of each watched household: reminders before the deadline, the deadline
 * reminder and a missed-check-in alert, then up the ladder of watchers when nobody acknowledges.
 * Derived from the database (plans, signs of life, the ledger of steps done), so a restarted hub
 * picks up where it left off.
 */
import type { CheckinReminder } from '@tsunagu/protocol';
import { rooms } from '../../plugins/socket';
import { dayAt, defaultPlan, type Plan, windowFor } from '../checkins/plan';
import type { WatchedHousehold } from '../checkins/store';
import { addDays } from '../checkins/time';
import type { Notifier, Outbox } from './notify';
import { iso, MINUTE, type Plans, type WatchContext, type WatchDeps } from './parts';

export interface Schedule {
  /** Reminders and the deadline for one household; returns when it next needs attention. */
  household(outbox: Outbox, h: WatchedHousehold, now: number): Promise<number>;
  /** Moves every alert whose acknowledgement window ran out one level up the ladder. */
  escalateDue(outbox: Outbox, now: number): Promise<void>;
}

export function createSchedule(
  ctx: WatchContext,
  deps: WatchDeps & {
    plans: Plans;
    notify: Notifier;
    alertRaised(kind: string): void;
    /** A plan test's alert moves up one step at a time (null: a real alert). */
    testStepMs(outbox: Outbox, planTestId: number | null): Promise<number | null>;
  },
): Schedule {
  const { plans, notify, alertRaised } = deps;
  const tz = ctx.config.timeZone;
  // Steps done (also in the database's ledger: this spares a write per tick) and each household's
  // current day (a new day shows the terminal its new check-in status).
  const doneSteps = new Set<string>();
  const lastDay = new Map<number, string>();

  async function markOnce(outbox: Outbox, householdId: number, day: string, step: string, now: number) {
    const key = `${householdId}|${day}|${step}`;
    if (doneSteps.has(key)) return false;
    doneSteps.add(key);
    return outbox.checkins.markStep(householdId, day, step, now);
  }

  function isStepDone(householdId: number, day: string, step: string): boolean {
    return doneSteps.has(`${householdId}|${day}|${step}`);
  }

  /** Reminders and the deadline for one household; returns when it next needs attention. */
  async function scheduleHousehold(outbox: Outbox, h: WatchedHousehold, now: number): Promise<number> {
    const plan = await plans.planFor(h.householdId);
    const today = dayAt(plan, now, tz);
    let next = windowFor(plan, today, tz).closesAt;
    if (lastDay.get(h.householdId) !== today) {
      if (lastDay.has(h.householdId)) notify.terminalStatus(outbox, h.householdId);
      lastDay.set(h.householdId, today);
    }
    if (!plan.enabled) return next;
    for (const day of [addDays(today, -1), today]) {
      const w = windowFor(plan, day, tz);
      // A terminal enrolled after the deadline was not there to be checked in with.
      if (!w.scheduled || h.enrolledAt >= w.deadline) continue;
      if (now < w.deadline) {
        const due: number[] = [];
        for (const minutes of plan.reminderMinutes) {
          const at = w.deadline - minutes * MINUTE;
          if (at < w.opensAt || at < h.enrolledAt) continue;
          if (at <= now) {
            if (!isStepDone(h.householdId, day, `reminder:${minutes}`)) due.push(minutes);
          } else next = Math.min(next, at);
        }
        if (due.length > 0) {
          const sign = await outbox.checkins.firstSign(h.householdId, w.opensAt, now + 1, plan.signsOfLife);
          let fresh = false;
          for (const minutes of due)
            fresh = (await markOnce(outbox, h.householdId, day, `reminder:${minutes}`, now)) || fresh;
          if (!sign && fresh) {
            const reminder: CheckinReminder = {
              stage: 'before',
              day,
              deadline: iso(w.deadline),
              minutesLeft: Math.max(0, Math.ceil((w.deadline - now) / MINUTE)),
            };
            outbox.push(() =>
              ctx.sockets.terminals.to(rooms.household(h.householdId)).emit('checkin:reminder', reminder),
            );
          }
        }
        next = Math.min(next, w.deadline);
        continue;
      }
      if (isStepDone(h.householdId, day, 'deadline')) continue;
      const sign = await outbox.checkins.firstSign(
        h.householdId,
        w.opensAt,
        Math.max(now + 1, w.opensAt + 1),
        plan.signsOfLife,
      );
      if (!(await markOnce(outbox, h.householdId, day, 'deadline', now)) || sign) continue;
      await missedCheckin(outbox, h, plan, w.day, w.opensAt, w.deadline, now);
    }
    return next;
  }

  async function missedCheckin(
    outbox: Outbox,
    h: WatchedHousehold,
    plan: Plan,
    day: string,
    sinceAt: number,
    deadline: number,
    now: number,
  ) {
    const { alerts } = outbox;
    const reminder: CheckinReminder = { stage: 'deadline', day, deadline: iso(deadline), minutesLeft: 0 };
    const already = (await alerts.activeForHousehold(h.householdId, 'missed_checkin')).find(
      (a) => a.planTestId === null,
    );
    if (already) {
      // Still unresolved from an earlier day: one alert, with the new miss on its record.
      await alerts.addEvent(already.id, {
        at: now,
        type: 'missed_again',
        actor: 'system',
        level: already.level,
        detail: { day },
      });
      notify.updated(outbox, already.id);
    } else {
      const outage = await alerts.activeDistrictOutage(h.districtId);
      const id = await alerts.create(
        {
          kind: 'missed_checkin',
          householdId: h.householdId,
          districtId: h.districtId,
          day,
          sinceAt,
          level: 0,
          openedAt: now,
          nextStepAt: Math.max(now, deadline + plan.graceMinutes * MINUTE),
          possibleOutage: !!outage,
        },
        { day, deadline: iso(deadline), ...(outage ? { outageAlertId: outage.id } : {}) },
      );
      if (id === null) return;
      alertRaised('missed_checkin');
      await alerts.addEvent(id, {
        at: now,
        type: 'terminal_reminded',
        actor: 'system',
        level: 0,
        detail: { online: h.online },
      });
      notify.updated(outbox, id);
    }
    outbox.push(() => ctx.sockets.terminals.to(rooms.household(h.householdId)).emit('checkin:reminder', reminder));
    notify.board(outbox, h.householdId);
  }

  /** Moves every alert whose acknowledgement window ran out one level up the ladder. */
  async function escalateDue(outbox: Outbox, now: number) {
    const { alerts } = outbox;
    for (const a of await alerts.dueEscalations(now)) {
      const level = a.level + 1;
      const ackTimeout =
        (await deps.testStepMs(outbox, a.planTestId)) ??
        (a.householdId !== null
          ? (await plans.planFor(a.householdId)).ackTimeoutMinutes
          : defaultPlan(0).ackTimeoutMinutes) * MINUTE;
      const recipients = await notify.watcherIdsFor(a, (l) => (level === 1 ? l === 1 : l >= level));
      const nextStepAt = level < 2 ? now + ackTimeout : null;
      await alerts.escalate(a.id, level, nextStepAt);
      await alerts.addEvent(a.id, { at: now, type: 'escalated', actor: 'system', level, detail: { recipients } });
      notify.raised(outbox, a.id, recipients);
    }
  }

  return { household: scheduleHousehold, escalateDue };
}
