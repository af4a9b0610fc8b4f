/**
 * Admission control for terminal connections. After a hub restart every terminal of the city comes
 * back at once; taking them all swamps the event loop (each connect sends catch-up lists, the
 * receipts follow), handshakes then outlast the clients' connect timeouts and are paid for twice.
 * Instead the hub admits terminals at the rate it can serve — a token bucket, and none while its
 * event loop is already late.
 *
 * A terminal beyond the rate waits in line (its connection is already open: holding it costs a
 * little memory, while refusing it cost a second handshake when it came back — in a 10,000-terminal
 * storm about as much as the connects themselves). Only when the line is longer than the hub can
 * serve within `maxWaitMs` is a terminal refused, with its own later moment to return
 * (`retryAfterMs`, one slot per refusal at that rate), so the returns come spread out, not as a
 * second storm. The terminal adds its own jitter.
 */
import { type Histogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface AdmissionOptions {
  /** Terminal connections admitted per second (sustained). */
  perSecond: number;
  /** How many may be admitted at once after a quiet spell. */
  burst: number;
  /** In a rush (half the burst used), admit none while the event loop runs later than this (ms). */
  maxLagMs: number;
  /** The longest wait a refused terminal is given; beyond it slots wrap around, spread over this. */
  maxRetryAfterMs: number;
  /**
   * How long a terminal may wait in line (at the admission rate) before the hub refuses instead;
   * 0: no line, refuse at once. The terminal's connect timeout covers the handshake, which comes
   * before the line, so a terminal in line is not cut off; the bound keeps its silence short.
   */
  maxWaitMs?: number;
}

/**
 * Measured on this machine class (2 cores, the hub on one): a connect, with its catch-up list and the
 * receipts that follow, costs the hub about 0.8–1 ms (10,000-terminal storm, December 2026: 800/s
 * kept the hub 60–77 % busy; 1,000/s about 85–95 %). The lag bound below holds it back when it is late.
 */
export const DEFAULT_ADMISSION: AdmissionOptions = {
  perSecond: 1_000,
  burst: 400,
  maxLagMs: 150,
  maxRetryAfterMs: 60_000,
  maxWaitMs: 15_000,
};

/** The shortest wait handed out: a refused terminal never returns in the same breath. */
const MIN_RETRY_AFTER_MS = 250;

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export interface AdmissionControl {
  /** Admits now or refuses now (no line). */
  admit(): Admission;
  /**
   * Admits now, or keeps the terminal in line and calls `done` when its turn comes, or refuses when
   * the line is full. `waiting` says whether the terminal is still there (a closed connection
   * leaves the line without taking a turn, and is answered with a refusal it will not see). `done`
   * is called exactly once.
   */
  request(done: (admission: Admission) => void, waiting: () => boolean): void;
  /** Admitted, refused and held in line so far, for the metrics and tests. */
  counts(): { admitted: number; refused: number; held: number };
  stop(): void;
}

/** How often the line moves, at most (ms): each move admits what the tokens allow. */
const LINE_TICK_MS = 10;

/**
 * `now` and `lagMs` are injected so tests decide time and load; the hub passes Date.now and the
 * event-loop delay monitor below.
 */
export function createAdmissionControl(
  options: AdmissionOptions,
  now: () => number,
  lagMs: () => number,
  stop: () => void = () => {},
): AdmissionControl {
  const interval = 1000 / options.perSecond;
  const lineCapacity = Math.floor((options.perSecond * (options.maxWaitMs ?? 0)) / 1000);
  let tokens = options.burst;
  let filledAt = now();
  /** The last slot given to a refused terminal. */
  let tail = 0;
  let admitted = 0;
  let refused = 0;
  let held = 0;
  const line: { done: (a: Admission) => void; waiting: () => boolean }[] = [];
  let head = 0;
  let tick: ReturnType<typeof setTimeout> | null = null;

  const refill = (t: number) => {
    tokens = Math.min(options.burst, tokens + (t - filledAt) / interval);
    filledAt = t;
  };
  // The delay counts only in a rush — half the bucket used, or a line: one terminal coming back
  // while the hub is busy with something else is not a storm.
  const canTake = () => tokens >= 1 && (tokens > options.burst / 2 || lagMs() <= options.maxLagMs);
  const lineMoves = () => tokens >= 1 && lagMs() <= options.maxLagMs;
  const take = (): Admission => {
    tokens -= 1;
    admitted++;
    return { admitted: true };
  };
  /** A refusal: the next free slot at the admission rate, no sooner than `earliest` ms from now. */
  const refuse = (t: number, earliest: number): Admission => {
    refused++;
    // Slots run out at the cap and start again near its end, spread by the slot's own position.
    tail = Math.max(tail, t + earliest) + interval;
    let wait = tail - t;
    if (wait > options.maxRetryAfterMs) {
      tail = t + options.maxRetryAfterMs / 2;
      wait = tail - t;
    }
    return { admitted: false, retryAfterMs: Math.max(MIN_RETRY_AFTER_MS, Math.round(wait)) };
  };
  const move = () => {
    tick = null;
    refill(now());
    while (head < line.length && lineMoves()) {
      const next = line[head]!;
      head++;
      // One that left takes no turn; it is still answered, so Socket.IO forgets its pending socket.
      if (next.waiting()) next.done(take());
      else next.done({ admitted: false, retryAfterMs: MIN_RETRY_AFTER_MS });
    }
    if (head === line.length) {
      line.length = 0;
      head = 0;
    } else {
      if (head > 1024) {
        line.splice(0, head);
        head = 0;
      }
      schedule();
    }
  };
  const schedule = () => {
    if (tick) return;
    tick = setTimeout(move, Math.max(LINE_TICK_MS, interval));
    tick.unref?.();
  };

  return {
    admit() {
      const t = now();
      refill(t);
      return canTake() ? take() : refuse(t, 0);
    },
    request(done, waiting) {
      const t = now();
      refill(t);
      const inLine = line.length - head;
      if (inLine === 0 && canTake()) return done(take());
      if (inLine < lineCapacity) {
        held++;
        line.push({ done, waiting });
        return schedule();
      }
      // Come back once those in line have been taken.
      done(refuse(t, inLine * interval));
    },
    counts: () => ({ admitted, refused, held }),
    stop() {
      if (tick) clearTimeout(tick);
      tick = null;
      stop();
    },
  };
}

/**
 * How late the event loop runs most of the time (ms), from a histogram of its delay (ns): the 90th
 * percentile, not the single longest turn. A hub that is behind is late on most turns; one long turn
 * (a major GC, a checkpoint) is not a storm, and counting it held the line still for up to a second
 * while the hub sat two-thirds idle.
 */
export function latenessOf(delay: Histogram): number {
  return delay.count > 0 ? delay.percentile(90) / 1e6 : 0;
}

/** The hub's admission control: wall clock and the event loop's measured delay (over the last half second). */
export function hubAdmissionControl(options: AdmissionOptions = DEFAULT_ADMISSION): AdmissionControl {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const lateness = () => latenessOf(delay);
  let recent = 0;
  const timer = setInterval(() => {
    recent = lateness();
    delay.reset();
  }, 500);
  timer.unref();
  return createAdmissionControl(
    options,
    Date.now,
    () => Math.max(recent, lateness()),
    () => {
      clearInterval(timer);
      delay.disable();
    },
  );
}
