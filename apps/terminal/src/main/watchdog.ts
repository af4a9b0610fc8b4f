/**
 * Keeps the kiosk showing something useful with nobody to press a key: reloads a crashed or hung
 * renderer, retries a page that failed to load (hub not reachable yet at boot), and restarts the whole
 * app when reloading keeps failing. systemd restarts the app if it exits, and the hardware watchdog
 * reboots the box if systemd itself hangs.
 */
import type { Clock } from './clock';
import type { Log } from './security';

export interface WatchdogOptions {
  clock: Clock;
  reload(): void;
  restartApp(): void;
  log?: Log;
  /** Failures within `failureWindowMs` that make the watchdog restart the app instead of reloading. */
  maxFailures?: number;
  failureWindowMs?: number;
  /** How long an `unresponsive` renderer gets to recover before it is reloaded. */
  unresponsiveGraceMs?: number;
  /** Delay before retrying a page that failed to load. */
  loadRetryMs?: number;
}

/** Chromium's net::ERR_ABORTED: a navigation we (or the page) cancelled, not a failure. */
const ERR_ABORTED = -3;

export function createWatchdog(options: WatchdogOptions) {
  const {
    clock,
    log = () => {},
    maxFailures = 3,
    failureWindowMs = 10 * 60_000,
    unresponsiveGraceMs = 10_000,
    loadRetryMs = 15_000,
  } = options;
  let failures: number[] = [];
  let unresponsiveTimer: unknown = null;
  let retryTimer: unknown = null;
  let stopped = false;

  const clearTimers = () => {
    if (unresponsiveTimer !== null) clock.clearTimeout(unresponsiveTimer);
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    unresponsiveTimer = null;
    retryTimer = null;
  };

  const recover = (why: string) => {
    if (stopped) return;
    clearTimers();
    const now = clock.now();
    failures = failures.filter((at) => now - at < failureWindowMs);
    failures.push(now);
    if (failures.length >= maxFailures) {
      log(`${why}; ${failures.length} failures within ${failureWindowMs} ms, restarting the app`);
      stopped = true;
      options.restartApp();
    } else {
      log(`${why}; reloading (failure ${failures.length} of ${maxFailures})`);
      options.reload();
    }
  };

  return {
    onRenderProcessGone(details: { reason: string; exitCode?: number }): void {
      recover(`renderer gone (${details.reason}, exit ${details.exitCode ?? '?'})`);
    },
    onUnresponsive(): void {
      if (stopped || unresponsiveTimer !== null) return;
      unresponsiveTimer = clock.setTimeout(() => {
        unresponsiveTimer = null;
        recover(`renderer unresponsive for ${unresponsiveGraceMs} ms`);
      }, unresponsiveGraceMs);
    },
    onResponsive(): void {
      if (unresponsiveTimer !== null) clock.clearTimeout(unresponsiveTimer);
      unresponsiveTimer = null;
    },
    /** Network failures are expected (hub down, Wi-Fi not up yet): retry forever, never count them. */
    onLoadFailed(errorCode: number, isMainFrame: boolean): void {
      if (stopped || !isMainFrame || errorCode === ERR_ABORTED || retryTimer !== null) return;
      log(`page failed to load (${errorCode}); retrying in ${loadRetryMs} ms`);
      retryTimer = clock.setTimeout(() => {
        retryTimer = null;
        if (!stopped) options.reload();
      }, loadRetryMs);
    },
    /** The app is quitting on purpose; a renderer going away now is not a failure. */
    stop(): void {
      stopped = true;
      clearTimers();
    },
  };
}
export type Watchdog = ReturnType<typeof createWatchdog>;
