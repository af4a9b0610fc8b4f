/**
 * The interface every notification channel implements. E-mail (mail.ts) and Web Push (push.ts) ship
 * with the hub; a city adds another (SMS, an automated voice call) by implementing this and passing
 * it to `registerNotifications` — see docs/notifications.md. The dispatcher records every delivery,
 * retries with backoff, counts failures and reports each channel's health; a channel only sends.
 */

/** What is sent about an alert, already worded (Japanese: the language of the city's staff). */
export interface OutgoingMessage {
  alertId: number;
  level: number;
  /** Help requests: shown and sent as urgent (high priority, kept on screen). */
  urgent: boolean;
  /** One line: whose household, what happened. */
  title: string;
  /** A few lines: what happened, when, and what to do. */
  body: string;
  /** Opens the console where one tap acknowledges the alert (after signing in), absolute. */
  ackUrl: string;
  /** The same, relative to the hub (what a service worker opens). */
  ackPath: string;
}

export type SendOutcome =
  | { ok: true }
  /**
   * `retry`: worth trying again later (the server was busy or away). `gone`: this address no longer
   * exists (a push subscription the browser dropped): the channel has removed it, and it is not
   * counted against the channel's health.
   */
  | { ok: false; error: string; retry: boolean; gone?: boolean };

export interface NotificationChannel {
  /** Stable, lower case (`mail`, `push`, `sms`): delivery records, the metrics label, the readiness check. */
  readonly name: string;
  /** A person is reached on this channel only when they opted in; `defaultOn` is for those who never chose. */
  readonly defaultOn: boolean;
  /**
   * Where this person is reached (one delivery each), given what they entered for the channel (an
   * e-mail address, a phone number; null if nothing). Empty: not reachable on this channel.
   */
  addresses(userId: number, entered: string | null): string[] | Promise<string[]>;
  send(address: string, message: OutgoingMessage): Promise<SendOutcome>;
  /** Frees connections when the hub closes. */
  close?(): Promise<void> | void;
}
