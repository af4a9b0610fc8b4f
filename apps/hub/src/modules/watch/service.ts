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
 * - actions.ts: acknowledge, resolve, concerns; notify.ts: who hears what, after commit;
 * - board.ts: the board and the history.
 *
 * Scheduling is derived from the database on every tick — plans, signs of life, the ledger of steps
 * done and the alerts' next escalation time — so a restarted hub picks up where it left off.
 */
import type {
  CheckinReceipt,
  CheckinStatus,
  CheckinSubmit,
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
import { alertMetric, createPlans, type WatchContext, type WatchDeps, type WatchOptions } from './parts';
import { createPresence } from './presence';
import { createSchedule } from './schedule';
import { createScheduler } from './scheduler';
import { createSigns } from './signs';
import type { AlertRecord } from './store';

export type { WatchOptions } from './parts';

export interface WatchService {
  submitCheckin(householdId: number, terminalId: number | null, payload: CheckinSubmit): Promise<CheckinReceipt>;
  status(householdId: number): CheckinStatus;
  planFor(householdId: number): Plan;
  savePlan(plan: Plan, by: string): void;
  resetPlan(householdId: number): boolean;
  acknowledge(alertId: number, actor: string): AlertRecord;
  resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): AlertRecord;
  toDto(alert: AlertRecord): WatchAlert;
  board(householdIds: number[] | null): WatchBoard;
  history(householdId: number, days: number): ResidentHistory;
  /** Runs every step that is due now and re-arms the timer (also called by the timer). */
  tick(): void;
  /** Settles when queued check-ins are stored and requested ticks have run. */
  settle(): Promise<void>;
  stop(): Promise<void>;
  writer: CheckinWriter;
}

export function createWatchService(ctx: WatchContext, deps: WatchDeps, options: WatchOptions = {}): WatchService {
  const plans = createPlans(ctx, deps.checkins);
  const notify = createNotifier(ctx, { ...deps, plans });
  const alertRaised = alertMetric(ctx);
  const parts = { ...deps, plans, notify, alertRaised };
  const signs = createSigns(ctx, { ...parts, maxCheckinAgeMs: options.maxCheckinAgeMs });
  const presence = createPresence(ctx, { ...parts, outage: options.outage });
  const actions = createAlertActions(ctx, parts);
  const views = createBoardViews(ctx, parts);
  const scheduler = createScheduler(ctx, {
    ...parts,
    schedule: createSchedule(ctx, parts),
    presence,
    maxSleepMs: options.maxSleepMs,
  });

  ctx.events.on('household.activity', (e) => {
    // Check-ins are stored with their sign of life by this module's own write path.
    if (e.kind === 'checkin' || scheduler.stopped) return;
    signs.record(e.householdId, e.kind, e.at);
  });
  ctx.events.on('household.concern', (e) => {
    if (scheduler.stopped) return;
    const escalatesAt = actions.concern(e);
    if (escalatesAt !== null) scheduler.wakeBy(escalatesAt);
  });
  ctx.sockets.onTerminalConnection(({ principal }) => {
    if (principal.kind !== 'terminal' || scheduler.stopped) return;
    presence.connected(principal.householdId);
    scheduler.presenceChanged();
  });
  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind !== 'terminal' || scheduler.stopped) return;
    presence.disconnected(principal.householdId);
    scheduler.presenceChanged();
  });

  const planChanged = (householdId: number) => {
    plans.forget(householdId);
    scheduler.requestTick();
  };
  return {
    submitCheckin: signs.submitCheckin,
    status: plans.status,
    planFor: plans.planFor,
    savePlan(plan, by) {
      deps.checkins.savePlan(plan, by);
      planChanged(plan.householdId);
    },
    resetPlan(householdId) {
      const removed = deps.checkins.deletePlan(householdId);
      planChanged(householdId);
      return removed;
    },
    acknowledge: actions.acknowledge,
    resolve: actions.resolve,
    toDto: notify.toDto,
    board: views.board,
    history: views.history,
    tick: scheduler.tick,
    async settle() {
      await signs.writer.drain();
      await scheduler.settle();
    },
    async stop() {
      await signs.writer.drain();
      scheduler.stop();
    },
    writer: signs.writer,
  };
}
