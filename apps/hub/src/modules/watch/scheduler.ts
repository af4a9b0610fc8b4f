/**
 * The scheduler: one timer on the injected clock wakes it at the next due moment; each tick walks
 * the watched households' schedules in slices (a unit of work each), then escalations and presence
 * in one more, each sending after its commit. One tick at a time: a tick asked for while one runs
 * runs once after it.
 */
import type { TimerHandle } from '../../lib/clock';
import type { Notifier } from './notify';
import { HOUR, MINUTE, type WatchContext } from './parts';
import type { PlanTests } from './plan-test';
import type { Presence } from './presence';
import type { ImmediateAlerts } from './raise';
import type { Schedule } from './schedule';

/** Watched households scheduled per unit of work in a tick (about 2–4 ms of work each). */
export const SCHEDULE_SLICE = 500;

/** Presence changes ask for at most one scheduler tick per this many (real) milliseconds. */
export const PRESENCE_TICK_MS = 5000;

export interface Scheduler {
  /** Runs every step that is due now and re-arms the timer (also called by the timer). */
  tick(): Promise<void>;
  /** Wakes by `at` at the latest (e.g. a new alert's acknowledgement deadline). */
  wakeBy(at: number): void;
  /** Coalesces bursts (a district's terminals reconnecting, plan changes) into one tick soon. */
  requestTick(): void;
  /** A terminal came or went: at most one tick every PRESENCE_TICK_MS. */
  presenceChanged(): void;
  /** Resolves when requested ticks (including a pending presence tick) have run. */
  settle(): Promise<void>;
  stop(): void;
  /**
   * Another hub runs the schedule (several hubs, plugins/jobs.ts): no timer, no tick until `resume`.
   * Escalations are derived from the database, so the hub that resumes picks up where it stopped.
   */
  pause(): void;
  resume(): void;
  /** Settles when no tick is running. */
  idle(): Promise<void>;
  readonly stopped: boolean;
}

export function createScheduler(
  ctx: WatchContext,
  deps: {
    schedule: Schedule;
    presence: Presence;
    immediate: Pick<ImmediateAlerts, 'safetyFollowups'>;
    planTests: Pick<PlanTests, 'run'>;
    notify: Notifier;
    maxSleepMs?: number;
  },
): Scheduler {
  const { clock } = ctx;
  const { schedule, presence, notify } = deps;
  const maxSleep = deps.maxSleepMs ?? HOUR;
  let timer: TimerHandle | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  let paused = false;
  let tickRequested = false;
  let tickWaiters: (() => void)[] = [];
  let presenceTimer: NodeJS.Timeout | null = null;

  let running: Promise<void> | null = null;
  let again = false;

  async function runTick() {
    const now = clock.now();
    let next = now + maxSleep;
    try {
      const watched = await notify.inTransaction(({ checkins }) => checkins.watchedHouseholds());
      // The households' reminders and deadlines, a slice per unit of work, the event loop served
      // between slices: ten thousand in one unit held every socket for 0.1–0.2 s (issue 17), and a
      // unit of work cannot yield inside (on SQLite, anything run meanwhile would join it).
      for (let i = 0; i < watched.length; i += SCHEDULE_SLICE) {
        if (i > 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (stopped || paused) return;
        }
        const slice = watched.slice(i, i + SCHEDULE_SLICE);
        const due = await notify.inTransaction(async (outbox) => {
          let soonest = Number.POSITIVE_INFINITY;
          for (const h of slice) soonest = Math.min(soonest, await schedule.household(outbox, h, now));
          return soonest;
        });
        next = Math.min(next, due);
      }
      next = await notify.inTransaction(async (outbox) => {
        const { alerts } = outbox;
        let due = next;
        await deps.immediate.safetyFollowups(outbox, now);
        due = Math.min(due, await deps.planTests.run(outbox, now));
        await schedule.escalateDue(outbox, now);
        due = Math.min(due, await presence.check(outbox, watched, now));
        for (const t of [await alerts.nextEscalationAt(), await alerts.nextSafetyFollowupAt()])
          if (t !== null) due = Math.min(due, t);
        return due;
      });
    } catch (err) {
      ctx.log.error({ err }, 'watch scheduler failed; retrying in a minute');
      next = now + MINUTE;
    }
    arm(Math.max(next, now + 1));
  }

  /** Runs a tick, or (one is running) one more right after it; settles when that tick has run. */
  function tick(): Promise<void> {
    if (stopped || paused) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runTick();
      } while (again && !stopped);
      running = null;
    })();
    return running;
  }

  function arm(at: number) {
    if (stopped || paused) return;
    if (at <= clock.now()) {
      // Time moved on while the tick ran (a long tick, or a test's clock jumping ahead): once more.
      requestTick();
      return;
    }
    timer?.cancel();
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      void tick();
    }, at - clock.now());
  }

  function requestTick() {
    if (tickRequested || stopped || paused) return;
    tickRequested = true;
    setImmediate(async () => {
      tickRequested = false;
      await tick();
      const w = tickWaiters;
      tickWaiters = [];
      for (const fn of w) fn();
    });
  }

  function cancelTimers() {
    if (presenceTimer) clearTimeout(presenceTimer);
    presenceTimer = null;
    timer?.cancel();
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
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
      if (presenceTimer || stopped || paused) return;
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
      while (tickRequested || running) {
        if (tickRequested) await new Promise<void>((r) => tickWaiters.push(r));
        if (running) await running;
      }
    },
    stop() {
      stopped = true;
      cancelTimers();
    },
    pause() {
      paused = true;
      cancelTimers();
    },
    resume() {
      paused = false;
    },
    idle: async () => {
      await running;
    },
    get stopped() {
      return stopped;
    },
  };
}
