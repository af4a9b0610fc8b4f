/**
 * The wellbeing watch: counts check-ins and other signs of life, runs the daily schedule
 * (reminders → deadline reminder → watchers → next level), watches terminal presence (offline
 * alerts, one alert for a district-wide outage) and serves the watcher board. One interface over
 * the parts (parts.ts lists what they share):
 *
 * - signs.ts: check-ins (group commit) and other signs of life;
 * - schedule.ts: each household's day, missed check-ins, escalation up the ladder;
 * - presence.ts: offline terminals and district outages;
 * - scheduler.ts: the one timer and the tick that runs the schedule and presence;
 * - actions.ts: acknowledge, resolve; raise.ts: alerts raised at once (concerns, help requests,
 *   unanswered safety checks, missed planned calls); notify.ts: who hears what, after commit;
 * - board.ts: the board and the history.
 *
 * Scheduling is derived from the database on every tick — plans, signs of life, the ledger of steps
 * done and the alerts' next escalation time — so a restarted hub picks up where it left off.
 */
import type {
  CheckinStatus,
  HelpStatus,
  NotificationDelivery,
  PlanTest,
  ResidentHistory,
  WatchAlert,
  WatchBoard,
  WatcherOutcome,
} from '@tsunagu/protocol';
import type { Plan } from '../checkins/plan';
import type { CheckinWriter } from '../checkins/writer';
import { createAlertActions } from './actions';
import { createBoardViews } from './board';
import { createNotifier } from './notify';
import {
  alertMetric,
  createPlans,
  DEFAULT_SAFETY_UNANSWERED_MS,
  DEFAULT_URGENT_ACK_MS,
  type WatchContext,
  type WatchDeps,
  type WatchOptions,
} from './parts';
import { createPlanTests } from './plan-test';
import { createPresence } from './presence';
import { createImmediateAlerts } from './raise';
import { createSchedule } from './schedule';
import { createScheduler } from './scheduler';
import { createSigns, type Signs } from './signs';
import type { AlertRecord } from './store';

export type { WatchOptions } from './parts';

export interface WatchService {
  /** A check-in (signs.ts). */
  submitCheckin: Signs['submitCheckin'];
  status(householdId: number): Promise<CheckinStatus>;
  planFor(householdId: number): Promise<Plan>;
  savePlan(plan: Plan, by: string): Promise<void>;
  resetPlan(householdId: number): Promise<boolean>;
  /** City hall's "test this plan now" (plan-test.ts). */
  startPlanTest(householdId: number, actor: string): Promise<PlanTest>;
  cancelPlanTest(householdId: number, actor: string): Promise<PlanTest>;
  planTest(householdId: number): Promise<PlanTest | null>;
  acknowledge(alertId: number, actor: string): Promise<AlertRecord>;
  resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): Promise<AlertRecord>;
  toDto(alert: AlertRecord): Promise<WatchAlert>;
  /** One alert as the console shows it; null when there is no such alert. */
  alert(alertId: number): Promise<WatchAlert | null>;
  board(householdIds: number[] | null): Promise<WatchBoard>;
  /** The resident asks for help on the terminal (助けて). */
  requestHelp(householdId: number): Promise<HelpStatus>;
  /** The household's open help request from its terminal; null when none. */
  helpStatus(householdId: number): Promise<HelpStatus | null>;
  /** Notifications sent about each alert are shown with it (set by the notifications module). */
  setDeliveryLookup(lookup: (alertId: number) => Promise<NotificationDelivery[]>): void;
  /** Tells the consoles that can see it that an alert changed (e.g. a notification about it went out). */
  alertChanged(alertId: number): Promise<void>;
  history(householdId: number, days: number): Promise<ResidentHistory>;
  /** Runs every step that is due now and re-arms the timer (also called by the timer). */
  tick(): Promise<void>;
  /** Settles when queued check-ins are stored and requested ticks have run. */
  settle(): Promise<void>;
  stop(): Promise<void>;
  /** The schedule's timers as a job with one runner among hubs (ctx.jobs): ticks run only while it runs. */
  schedule: { start(): void; stop(): Promise<void> };
  writer: CheckinWriter;
}

/** The change-feed channel of saved and removed check-in plans (a household id). */
export const PLANS_CHANNEL = 'checkin_plans';

export function createWatchService(ctx: WatchContext, deps: WatchDeps, options: WatchOptions = {}): WatchService {
  const plans = createPlans(ctx, deps.checkins);
  const notify = createNotifier(ctx, { ...deps, plans });
  const alertRaised = alertMetric(ctx);
  const parts = { ...deps, plans, notify, alertRaised };
  const immediate = createImmediateAlerts(ctx, { ...parts, urgentAckMs: options.urgentAckMs ?? DEFAULT_URGENT_ACK_MS });
  const signs = createSigns(ctx, { ...parts, maxCheckinAgeMs: options.maxCheckinAgeMs });
  const presence = createPresence(ctx, { ...parts, outage: options.outage });
  const actions = createAlertActions(ctx, parts);
  const views = createBoardViews(ctx, parts);
  const planTests = createPlanTests(ctx, parts);
  const scheduler = createScheduler(ctx, {
    ...parts,
    schedule: createSchedule(ctx, { ...parts, testStepMs: planTests.stepMs }),
    presence,
    immediate,
    planTests,
    maxSleepMs: options.maxSleepMs,
  });

  // Domain events are synchronous: what they start runs on, its failure logged (`background`).
  // settle() waits for them too.
  const pending = new Set<Promise<unknown>>();
  const background = (what: string, work: Promise<unknown>) => {
    const p = work.catch((err: unknown) => ctx.log.error({ err }, `watch: ${what} failed`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const wakeBy = (at: number | null | undefined) => {
    if (at !== null && at !== undefined) scheduler.wakeBy(at);
  };
  ctx.events.on('household.activity', (e) => {
    // Check-ins are stored with their sign of life by this module's own write path.
    if (e.kind === 'checkin' || scheduler.stopped) return;
    background('a sign of life', signs.record(e.householdId, e.kind, e.at));
  });
  ctx.events.on('household.concern', (e) => {
    if (!scheduler.stopped) background('a concern', immediate.concern(e).then(wakeBy));
  });
  ctx.events.on('household.helpRequested', (e) => {
    if (!scheduler.stopped)
      background(
        'a help request',
        immediate.helpRequested(e).then((raised) => wakeBy(raised?.escalatesAt)),
      );
  });
  ctx.events.on('household.callMissed', (e) => {
    if (!scheduler.stopped) background('a missed call', immediate.callMissed(e).then(wakeBy));
  });
  ctx.events.on('watch.alertSettled', (e) => {
    if (e.state === 'resolved' && !scheduler.stopped) background('a plan test', planTests.alertResolved(e.alertId));
  });
  ctx.events.on('announcement.published', (e) => {
    if (!e.safetyCheck || scheduler.stopped || !deps.unansweredHouseholds) return;
    const dueAt = e.at + (options.safetyUnansweredMs ?? DEFAULT_SAFETY_UNANSWERED_MS);
    background(
      'a safety follow-up',
      deps.alerts.addSafetyFollowup(e.announcementId, dueAt).then(() => wakeBy(dueAt)),
    );
  });
  ctx.sockets.onTerminalConnection(({ principal }) => {
    if (principal.kind !== 'terminal' || scheduler.stopped) return;
    background('presence', presence.connected(principal.householdId));
    scheduler.presenceChanged();
  });
  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind !== 'terminal' || scheduler.stopped) return;
    background('presence', presence.disconnected(principal.householdId));
    scheduler.presenceChanged();
  });

  const planChangedHere = (householdId: number) => {
    plans.forget(householdId);
    scheduler.requestTick();
  };
  // A plan saved on another hub (PostgreSQL) drops this hub's copy too. Told before the save is
  // answered: a check-in on another hub just after it counts against the new plan.
  const planChanged = async (householdId: number) => {
    planChangedHere(householdId);
    await ctx.changes
      .notify(ctx.sql, PLANS_CHANNEL, householdId)
      .catch((err: unknown) => ctx.log.error({ err, householdId }, 'plan change not sent to other hubs'));
  };
  ctx.changes.subscribe(PLANS_CHANNEL, {
    onChange: (key) => planChangedHere(Number(key)),
    onReset() {
      plans.forgetAll();
      scheduler.requestTick();
    },
  });
  return {
    submitCheckin: signs.submitCheckin,
    status: plans.status,
    planFor: plans.planFor,
    async savePlan(plan, by) {
      await deps.checkins.savePlan(plan, by);
      await planChanged(plan.householdId);
    },
    async resetPlan(householdId) {
      const removed = await deps.checkins.deletePlan(householdId);
      await planChanged(householdId);
      return removed;
    },
    async startPlanTest(householdId, actor) {
      const test = await planTests.start(householdId, actor);
      scheduler.wakeBy(Date.parse(test.deadline));
      return test;
    },
    cancelPlanTest: planTests.cancel,
    planTest: planTests.latest,
    acknowledge: actions.acknowledge,
    resolve: actions.resolve,
    toDto: notify.toDto,
    async alert(alertId) {
      const a = await deps.alerts.get(alertId);
      return a ? notify.toDto(a) : null;
    },
    board: views.board,
    async requestHelp(householdId) {
      const raised = await immediate.helpRequested({
        householdId,
        source: 'terminal',
        announcementId: null,
        at: ctx.clock.now(),
      });
      if (raised) scheduler.wakeBy(raised.escalatesAt);
      const status = await notify.helpStatus(householdId);
      if (!status) throw new Error('The help request was not stored.');
      return status;
    },
    helpStatus: notify.helpStatus,
    setDeliveryLookup: notify.setDeliveryLookup,
    alertChanged: (alertId) => notify.send((outbox) => notify.updated(outbox, alertId)),
    history: views.history,
    tick: scheduler.tick,
    async settle() {
      await signs.writer.drain();
      while (pending.size > 0) await Promise.all(pending);
      await scheduler.settle();
    },
    async stop() {
      await signs.writer.drain();
      while (pending.size > 0) await Promise.all(pending);
      scheduler.stop();
      // A tick under way finishes before the database closes.
      await scheduler.idle();
    },
    schedule: {
      start() {
        scheduler.resume();
        void scheduler.tick();
      },
      async stop() {
        scheduler.pause();
        await scheduler.idle();
      },
    },
    writer: signs.writer,
  };
}
