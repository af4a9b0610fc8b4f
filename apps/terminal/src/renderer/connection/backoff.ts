/**
 * Reconnection timing. socket.io-client retries lost connections itself with these settings;
 * the same numbers drive our own retries when the hub *refuses* us (a refusal stops
 * socket.io-client's automatic reconnection).
 */
export interface BackoffOptions {
  /** first delay, ms */
  initialMs: number;
  /** ceiling, ms */
  maxMs: number;
  /** 0..1: each delay is randomised by ± this fraction, so a thousand terminals do not return at once */
  jitter: number;
}

/** A city-wide outage ends with every terminal reconnecting: spread them out, cap the wait at 30 s. */
export const RECONNECT: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, jitter: 0.5 };

/** After PROTOCOL_MISMATCH nothing changes until someone updates the hub or the terminal: retry slowly. */
export const OUTDATED_RETRY: BackoffOptions = { initialMs: 60_000, maxMs: 15 * 60_000, jitter: 0.3 };

/** Delay before retry number `attempt` (0-based): initial · 2^attempt, capped, then jittered. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = RECONNECT,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  const spread = base * options.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/**
 * When the hub is busy (HUB_BUSY) it says when to come back: each refused terminal is given its own
 * moment. Wait that long plus up to a fifth more (jitter, never sooner), within sane bounds: a hint
 * that is missing or absurd falls back to the ordinary backoff.
 */
export function busyDelay(retryAfterMs: unknown, attempt: number, random: () => number = Math.random): number {
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs < 0)
    return backoffDelay(attempt, RECONNECT, random);
  const hint = Math.min(5 * 60_000, Math.max(250, retryAfterMs));
  return Math.round(hint * (1 + 0.2 * random()));
}

/**
 * How long one connection attempt may take. Long on purpose: a hub that is back after a restart
 * answers every terminal (admitted, or told when to return) but may be slow to; giving up at 10 s
 * and opening a new connection made it do the same work twice.
 */
export const CONNECT_TIMEOUT_MS = 30_000;

/** The same policy expressed as socket.io-client Manager options. */
export function socketIoReconnectOptions(options: BackoffOptions = RECONNECT) {
  return {
    reconnection: true,
    reconnectionAttempts: Number.POSITIVE_INFINITY,
    reconnectionDelay: options.initialMs,
    reconnectionDelayMax: options.maxMs,
    randomizationFactor: options.jitter,
  };
}
