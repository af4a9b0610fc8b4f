/**
 * "Test this plan now": city hall runs a shortened ladder on one household so a clerk can watch it
 * work — a reminder on the terminal at once, the deadline one step later, then the household's
 * watchers level by level, one step apart. The terminal says it is a test, the alert is marked as
 * one, and nothing counts as a real missed check-in (the alert has no check-in day; the board and
 * the history ignore it). A check-in during the test stops it as a real one would.
 */
import type { CheckinReminder, PlanTest, PlanTestEndReason } from '@tsunagu/protocol';
import { AppError } from '../../lib/errors';
import { rooms } from '../../plugins/socket';
import { dayAt } from '../checkins/plan';
import type { Notifier, Outbox } from './notify';
import { iso, isoOrNull, MINUTE, type Plans, type WatchContext, type WatchDeps } from './parts';
import type { PlanTestRecord } from './store';

/** Minutes between the steps of the shortened ladder. */
export const PLAN_TEST_STEP_MINUTES = 1;

export interface PlanTests {
  /** Starts a test; the caller wakes the scheduler by the returned deadline. */
  start(householdId: number, actor: string): Promise<PlanTest>;
  cancel(householdId: number, actor: string): Promise<PlanTest>;
  /** The running test, else the last one; null when the household was never tested. */
  latest(householdId: number): Promise<PlanTest | null>;
  /** The deadline step of running tests (inside the scheduler's transaction); returns when next due. */
  run(outbox: Outbox, now: number): Promise<number>;
  /** A test's alert was resolved (by a watcher, or all clear after a check-in): the test is over. */
  alertResolved(alertId: number): Promise<void>;
  /** How long a test alert waits at each level (null: not a test alert). */
  stepMs(outbox: Outbox, planTestId: number | null): Promise<number | null>;
}

export function createPlanTests(
  ctx: WatchContext,
  deps: WatchDeps & { plans: Plans; notify: Notifier; alertRaised(kind: string): void },
): PlanTests {
  const { alerts, households, plans, notify } = deps;
  const tz = ctx.config.timeZone;
  const running = () => new AppError(409, 'PLAN_TEST_RUNNING', 'A plan test is already running for this household.');
  const notRunning = () => new AppError(409, 'PLAN_TEST_NOT_RUNNING', 'No plan test is running for this household.');

  async function toDto(t: PlanTestRecord): Promise<PlanTest> {
    const step = t.stepMinutes * MINUTE;
    const userId = Number(/^user:(\d+):/.exec(t.startedBy)?.[1] ?? Number.NaN);
    return {
      id: t.id,
      householdId: t.householdId,
      startedAt: iso(t.startedAt),
      startedBy: (Number.isInteger(userId) ? await deps.userName(userId) : null) ?? t.startedBy,
      stepMinutes: t.stepMinutes,
      deadline: iso(t.deadlineAt),
      firstLevelAt: iso(t.deadlineAt + step),
      secondLevelAt: iso(t.deadlineAt + 2 * step),
      alertId: t.alertId,
      state: t.endedAt === null ? 'running' : 'ended',
      endedAt: isoOrNull(t.endedAt),
      endReason: t.endReason,
    };
  }

  const changed = (outbox: Outbox, id: number) =>
    outbox.push(async () => {
      const t = await alerts.planTest(id);
      if (t) ctx.sockets.staff.to(rooms.role('cityhall')).emit('watch:planTestChanged', await toDto(t));
    });

  async function remind(outbox: Outbox, t: PlanTestRecord, stage: CheckinReminder['stage'], now: number) {
    const reminder: CheckinReminder = {
      stage,
      day: dayAt(await plans.planFor(t.householdId), now, tz),
      deadline: iso(t.deadlineAt),
      minutesLeft: Math.max(0, Math.ceil((t.deadlineAt - now) / MINUTE)),
      test: true,
    };
    outbox.push(() => ctx.sockets.terminals.to(rooms.household(t.householdId)).emit('checkin:reminder', reminder));
  }

  async function end(outbox: Outbox, t: PlanTestRecord, by: string, reason: PlanTestEndReason, now: number) {
    if (!(await outbox.alerts.endPlanTest(t.id, now, by, reason))) return false;
    changed(outbox, t.id);
    outbox.push(() =>
      ctx.sockets.terminals.to(rooms.household(t.householdId)).emit('checkin:testEnded', { testId: t.id }),
    );
    return true;
  }

  /** Ends a running test whose alert was resolved while nobody was looking (e.g. before a restart). */
  async function settleStale(outbox: Outbox, t: PlanTestRecord | undefined, now: number) {
    if (!t || t.endedAt !== null || t.alertId === null) return t;
    const a = await outbox.alerts.get(t.alertId);
    if (a && a.state !== 'resolved') return t;
    await end(outbox, t, 'system', a?.outcome === 'all_clear' ? 'checked_in' : 'resolved', now);
    return outbox.alerts.planTest(t.id);
  }

  return {
    async start(householdId, actor) {
      const h = await households.get(householdId);
      if (h?.closedAt) throw new AppError(409, 'HOUSEHOLD_CLOSED', 'This household has been closed. Reopen it first.');
      const now = ctx.clock.now();
      const id = await notify.inTransaction(async (outbox) => {
        const latest = await settleStale(outbox, await outbox.alerts.latestPlanTest(householdId), now);
        if (latest && latest.endedAt === null) throw running();
        const testId = await outbox.alerts.startPlanTest({
          householdId,
          startedBy: actor,
          startedAt: now,
          stepMinutes: PLAN_TEST_STEP_MINUTES,
          deadlineAt: now + PLAN_TEST_STEP_MINUTES * MINUTE,
        });
        await remind(outbox, (await outbox.alerts.planTest(testId))!, 'before', now);
        changed(outbox, testId);
        return testId;
      });
      return toDto((await alerts.planTest(id))!);
    },

    async cancel(householdId, actor) {
      const now = ctx.clock.now();
      const id = await notify.inTransaction(async (outbox) => {
        const tx = outbox.alerts;
        const t = await settleStale(outbox, await tx.latestPlanTest(householdId), now);
        if (!t || t.endedAt !== null) throw notRunning();
        // Ended first, so closing its alert below does not end it a second time as "resolved".
        await end(outbox, t, actor, 'cancelled', now);
        const a = t.alertId !== null ? await tx.get(t.alertId) : undefined;
        if (a && a.state !== 'resolved') {
          await tx.resolve(a.id, now, actor, 'other', '');
          await tx.addEvent(a.id, { at: now, type: 'test_ended', actor, level: a.level });
          notify.updated(outbox, a.id);
          notify.settled(outbox, a.id, 'resolved', actor);
          notify.board(outbox, householdId);
        }
        return t.id;
      });
      return toDto((await alerts.planTest(id))!);
    },

    async latest(householdId) {
      const t = await alerts.latestPlanTest(householdId);
      return t ? await toDto(t) : null;
    },

    async run(outbox, now) {
      const tx = outbox.alerts;
      let next = Number.POSITIVE_INFINITY;
      for (const t of await tx.runningPlanTests()) {
        if (t.deadlineDone) continue;
        if (now < t.deadlineAt) {
          next = Math.min(next, t.deadlineAt);
          continue;
        }
        const plan = await plans.planFor(t.householdId);
        const sign = await outbox.checkins.firstSign(t.householdId, t.startedAt, now + 1, plan.signsOfLife);
        if (sign) {
          await tx.planTestDeadlineDone(t.id, null);
          await end(outbox, t, 'system', 'checked_in', now);
          continue;
        }
        const h = await households.get(t.householdId);
        if (!h) continue;
        const alertId = await tx.create(
          {
            kind: 'missed_checkin',
            householdId: h.id,
            districtId: h.districtId,
            // No check-in day: a test is never a missed day in the history or the statistics.
            day: null,
            sinceAt: t.startedAt,
            level: 0,
            openedAt: now,
            nextStepAt: t.deadlineAt + t.stepMinutes * MINUTE,
            possibleOutage: false,
          },
          { deadline: iso(t.deadlineAt), test: true },
        );
        await tx.planTestDeadlineDone(t.id, alertId);
        if (alertId === null) continue;
        deps.alertRaised('plan_test');
        await tx.addEvent(alertId, { at: now, type: 'terminal_reminded', actor: 'system', level: 0 });
        await remind(outbox, t, 'deadline', now);
        notify.updated(outbox, alertId);
        notify.board(outbox, h.id);
        changed(outbox, t.id);
        next = Math.min(next, t.deadlineAt + t.stepMinutes * MINUTE);
      }
      return next;
    },

    async alertResolved(alertId) {
      const a = await alerts.get(alertId);
      if (!a || a.planTestId === null || a.state !== 'resolved') return;
      const t = await alerts.planTest(a.planTestId);
      if (!t || t.endedAt !== null) return;
      await notify.inTransaction((outbox) =>
        end(
          outbox,
          t,
          a.resolvedBy ?? 'system',
          a.outcome === 'all_clear' ? 'checked_in' : 'resolved',
          ctx.clock.now(),
        ),
      );
    },

    async stepMs(outbox, planTestId) {
      if (planTestId === null) return null;
      const t = await outbox.alerts.planTest(planTestId);
      return t ? t.stepMinutes * MINUTE : null;
    },
  };
}
