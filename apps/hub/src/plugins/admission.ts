/**
 * Admission control for terminal connections. After a hub restart every terminal of the city comes
 * back at once; taking them all swamps the event loop (each connect sends catch-up lists, the
 * receipts follow), handshakes then outlast the clients' connect timeouts and are paid for twice.
 * Instead the hub admits terminals at the rate it can serve — a token bucket, and none while its
 * event loop is already late — and gives each refused terminal its own later moment to return
 * (`retryAfterMs`, one slot per refusal at that rate), so the returns come spread out, not as a
 * second storm. The terminal adds its own jitter.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface AdmissionOptions {
  /** Terminal connections admitted per second (sustained). */
  perSecond: number;
  /** How many may be admitted at once after a quiet spell. */
  burst: number;
  /** In a rush (half the burst used), admit none while the event loop runs later than this (ms). */
  maxLagMs: number;
  /** The longest wait a refused terminal is given; beyond it slots wrap around, spread over this. */
  maxRetryAfterMs: number;
}

/** Measured on this machine class (2 cores, the hub on one): a connect costs the hub ~0.5–1 ms. */
export const DEFAULT_ADMISSION: AdmissionOptions = {
  perSecond: 800,
  burst: 400,
  maxLagMs: 150,
  maxRetryAfterMs: 60_000,
};

/** The shortest wait handed out: a refused terminal never returns in the same breath. */
const MIN_RETRY_AFTER_MS = 250;

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export interface AdmissionControl {
  admit(): Admission;
  /** Admitted and refused so far, for the metrics and tests. */
  counts(): { admitted: number; refused: number };
  stop(): void;
}

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
  let tokens = options.burst;
  let filledAt = now();
  /** The last slot given to a refused terminal. */
  let tail = 0;
  let admitted = 0;
  let refused = 0;
  return {
    admit() {
      const t = now();
      tokens = Math.min(options.burst, tokens + (t - filledAt) / interval);
      filledAt = t;
      // The delay counts only once a rush has used half the bucket: one terminal coming back while the
      // hub is busy with something else is not a storm.
      if (tokens >= 1 && (tokens > options.burst / 2 || lagMs() <= options.maxLagMs)) {
        tokens -= 1;
        admitted++;
        return { admitted: true };
      }
      refused++;
      // Each refusal takes the next free slot at the admission rate; slots run out at the cap and
      // start again near its end, spread by the slot's own position.
      tail = Math.max(tail, t) + interval;
      let wait = tail - t;
      if (wait > options.maxRetryAfterMs) {
        tail = t + options.maxRetryAfterMs / 2;
        wait = tail - t;
      }
      return { admitted: false, retryAfterMs: Math.max(MIN_RETRY_AFTER_MS, Math.round(wait)) };
    },
    counts: () => ({ admitted, refused }),
    stop,
  };
}

/** The hub's admission control: wall clock and the event loop's measured delay. */
export function hubAdmissionControl(options: AdmissionOptions = DEFAULT_ADMISSION): AdmissionControl {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  // The recent delay: the histogram is reset every half second, so one slow turn long ago does not
  // keep terminals out.
  let recent = 0;
  const timer = setInterval(() => {
    recent = delay.count > 0 ? delay.max / 1e6 : 0;
    delay.reset();
  }, 500);
  timer.unref();
  return createAdmissionControl(
    options,
    Date.now,
    () => Math.max(recent, delay.count > 0 ? delay.max / 1e6 : 0),
    () => {
      clearInterval(timer);
      delay.disable();
    },
  );
}
