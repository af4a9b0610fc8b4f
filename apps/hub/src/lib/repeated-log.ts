/**
 * Logs that stay readable under failure. The first error of a kind is logged in full; identical ones
 * that follow (same key) are only counted, and one line per window says how many there were
 * ("4,308 check-ins refused in 15 s: the disk is full"). A window with no repeat closes, so the next
 * occurrence is logged in full again.
 */
import type { Clock, TimerHandle } from './clock';

export const REPEAT_WINDOW_MS = 15_000;
/** Distinct keys summarised at once; beyond that, errors are counted under one "other" key. */
const MAX_KEYS = 200;
const OVERFLOW_KEY = '(other errors)';

type Level = 'error' | 'warn';
export interface LevelLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RepeatedEntry {
  level: Level;
  /** Logged in full the first time (include `err` here). */
  obj: object;
  msg: string;
  /** The summary line: `count` repeats in `seconds`. */
  summary(count: number, seconds: number): string;
}

interface Window {
  level: Level;
  /** Occurrences in this window, the one logged in full included. */
  count: number;
  /** 1 when the window's first occurrence was logged in full (a summary then needs a repeat). */
  loggedInFull: number;
  started: number;
  summary: RepeatedEntry['summary'];
  timer: TimerHandle;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export class RepeatedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: LevelLogger,
    private readonly clock: Clock,
    private readonly windowMs = REPEAT_WINDOW_MS,
  ) {}

  report(key: string, entry: RepeatedEntry): void {
    const k = this.windows.has(key) || this.windows.size < MAX_KEYS ? key : OVERFLOW_KEY;
    const open = this.windows.get(k);
    if (open) {
      open.count++;
      return;
    }
    if (k === OVERFLOW_KEY) {
      // Not logged in full: counted from the first one.
      this.open(k, entry.level, (n, s) => `${formatCount(n)} errors of other kinds in ${s} s`, 0);
      this.windows.get(k)!.count = 1;
      return;
    }
    this.log[entry.level](
      { ...entry.obj, repeatsSummarisedEverySeconds: this.windowMs / 1000 },
      `${entry.msg} (repeats are counted and summarised)`,
    );
    this.open(k, entry.level, entry.summary, 1);
  }

  /** Logs every pending summary now (the hub is stopping). */
  flush(): void {
    for (const [key, w] of [...this.windows]) {
      w.timer.cancel();
      this.windows.delete(key);
      this.summarise(key, w);
    }
  }

  private open(key: string, level: Level, summary: RepeatedEntry['summary'], loggedInFull: number): void {
    this.windows.set(key, {
      level,
      count: loggedInFull,
      loggedInFull,
      started: this.clock.now(),
      summary,
      timer: this.clock.setTimeout(() => this.close(key), this.windowMs),
    });
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    if (w.count === w.loggedInFull) return;
    this.summarise(key, w);
    // Still failing: keep counting in a new window rather than logging the next one in full.
    this.open(key, w.level, w.summary, 0);
  }

  private summarise(key: string, w: Window): void {
    if (w.count === w.loggedInFull) return;
    const seconds = Math.max(1, Math.round((this.clock.now() - w.started) / 1000));
    this.log[w.level]({ repeated: w.count, seconds, key }, w.summary(w.count, seconds));
  }
}
