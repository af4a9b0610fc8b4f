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
