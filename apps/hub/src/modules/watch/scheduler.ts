/**
 * The scheduler: one timer on the injected clock wakes it at the next due moment; each tick walks
 * the watched households (schedule, escalations, presence) in one transaction, then sends.
 */
import type { TimerHandle } from '../../lib/clock';
import type { Notifier } from './notify';
import { HOUR, MINUTE, type WatchContext, type WatchDeps } from './parts';
import type { PlanTests } from './plan-test';
import type { Presence } from './presence';
import type { ImmediateAlerts } from './raise';
import type { Schedule } from './schedule';

/** Presence changes ask for at most one scheduler tick per this many (real) milliseconds. */
export const PRESENCE_TICK_MS = 5000;

export interface Scheduler {
  /** Runs every step that is due now and re-arms the timer (also called by the timer). */
  tick(): void;
  /** Wakes by `at` at the latest (e.g. a new alert's acknowledgement deadline). */
  wakeBy(at: number): void;
  /** Coalesces bursts (a district's terminals reconnecting, plan changes) into one tick soon. */
  requestTick(): void;
  /** A terminal came or went: at most one tick every PRESENCE_TICK_MS. */
  presenceChanged(): void;
  /** Resolves when requested ticks (including a pending presence tick) have run. */
  settle(): Promise<void>;
  stop(): void;
  readonly stopped: boolean;
}

export function createScheduler(
  ctx: WatchContext,
  deps: Pick<WatchDeps, 'checkins' | 'alerts'> & {
    schedule: Schedule;
    presence: Presence;
    immediate: Pick<ImmediateAlerts, 'safetyFollowups'>;
    planTests: Pick<PlanTests, 'run'>;
    notify: Notifier;
    maxSleepMs?: number;
  },
): Scheduler {
  const { clock } = ctx;
  const { checkins, alerts, schedule, presence, notify } = deps;
  const maxSleep = deps.maxSleepMs ?? HOUR;
  let timer: TimerHandle | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  let tickRequested = false;
  let tickWaiters: (() => void)[] = [];
  let presenceTimer: NodeJS.Timeout | null = null;

  function tick() {
    if (stopped) return;
    const now = clock.now();
    let next = now + maxSleep;
    try {
      next = notify.inTransaction((outbox) => {
        let due = next;
        const watched = checkins.watchedHouseholds();
        for (const h of watched) due = Math.min(due, schedule.household(outbox, h, now));
        deps.immediate.safetyFollowups(outbox, now);
        due = Math.min(due, deps.planTests.run(outbox, now));
        schedule.escalateDue(outbox, now);
        due = Math.min(due, presence.check(outbox, watched, now));
        for (const t of [alerts.nextEscalationAt(), alerts.nextSafetyFollowupAt()])
          if (t !== null) due = Math.min(due, t);
        return due;
      });
    } catch (err) {
      ctx.log.error({ err }, 'watch scheduler failed; retrying in a minute');
      next = now + MINUTE;
    }
    arm(Math.max(next, now + 1));
  }

  function arm(at: number) {
    if (stopped) return;
    timer?.cancel();
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      tick();
    }, at - clock.now());
  }

  function requestTick() {
    if (tickRequested || stopped) return;
    tickRequested = true;
    setImmediate(() => {
      tickRequested = false;
      tick();
      const w = tickWaiters;
      tickWaiters = [];
      for (const fn of w) fn();
    });
  }

  return {
    tick,
    requestTick,
    wakeBy: (at) => arm(Math.min(timerAt, at)),
    // A tick walks every watched household. Presence changes only move the "terminal offline"
    // timers (minutes), so they ask for at most one tick every five seconds: ten thousand
    // terminals reconnecting after an outage would otherwise cost a walk each — O(N²), measured by
    // the bench (docs/benchmarks.md).
    presenceChanged() {
      if (presenceTimer || stopped) return;
      presenceTimer = setTimeout(() => {
        presenceTimer = null;
        requestTick();
      }, PRESENCE_TICK_MS);
    },
    async settle() {
      if (presenceTimer) {
        clearTimeout(presenceTimer);
        presenceTimer = null;
        requestTick();
      }
      if (tickRequested) await new Promise<void>((r) => tickWaiters.push(r));
    },
    stop() {
      stopped = true;
      if (presenceTimer) clearTimeout(presenceTimer);
      presenceTimer = null;
      timer?.cancel();
      timer = null;
    },
    get stopped() {
      return stopped;
    },
  };
}
