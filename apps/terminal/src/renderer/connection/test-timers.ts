// Test helper: retry timers (outbox.ts RetryTimers) that run only when a test says so.
import type { RetryTimers } from './outbox';

/** Timers that never fire on their own; `random` fixed at the middle (no jitter). */
export function fakeRetryTimers() {
  const due: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  const timers: RetryTimers = {
    setTimeout(fn, ms) {
      const t = { ms, fn, cancelled: false };
      due.push(t);
      return {
        cancel: () => {
          t.cancelled = true;
        },
      };
    },
    random: () => 0.5,
  };
  const pending = () => due.filter((t) => !t.cancelled);
  return { timers, pending, delays: () => pending().map((t) => t.ms) };
}
