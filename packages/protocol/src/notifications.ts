/**
 * Notifications that leave the console (issue 16): e-mail and Web Push to watchers' phones, each
 * delivery recorded, a watcher's own settings and devices, and the signed link that acknowledges
 * an alert after signing in.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, Nullable, Timestamp } from './common';
import { NonNegativeInt } from './fragments';

/** A channel's stable name (`mail`, `push`, or one a city adds: `sms`, `voice`…). */
export const ChannelName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,19}$' });

export const DeliveryStatus = Type.Union([
  /** Queued, or failed and waiting for its next attempt. */
  Type.Literal('pending'),
  Type.Literal('sent'),
  /** Given up after the last attempt, or the address is gone (a push subscription that expired). */
  Type.Literal('failed'),
  /** The recipient acknowledged the alert. */
  Type.Literal('acknowledged'),
  /** Not sent: the alert was acknowledged or resolved before it could go. */
  Type.Literal('cancelled'),
]);
export type DeliveryStatus = Static<typeof DeliveryStatus>;

export const NotificationDelivery = Type.Object({
  id: Id,
  channel: ChannelName,
  userId: Id,
  /** The recipient's display name. */
  userName: Type.String(),
  /** The alert's level when this was sent (each escalation step notifies again). */
  level: Type.Integer({ minimum: 0, maximum: 3 }),
  status: DeliveryStatus,
  attempts: NonNegativeInt,
  /** What went wrong last, in words (for city hall); null when nothing did. */
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
  nextAttemptAt: Nullable(Timestamp),
  acknowledgedAt: Nullable(Timestamp),
});
export type NotificationDelivery = Static<typeof NotificationDelivery>;

/** One phone or browser subscribed to Web Push. */
export const PushDevice = Type.Object({
  id: Id,
  label: Type.String(),
  createdAt: Timestamp,
  lastSuccessAt: Nullable(Timestamp),
});
export type PushDevice = Static<typeof PushDevice>;

export const EmailAddress = Type.String({
  maxLength: 254,
  pattern: '^[^\\s@<>(),;:"\\[\\]]+@[^\\s@<>(),;:"\\[\\]]+\\.[^\\s@<>(),;:"\\[\\]]+$',
});

/** A staff member's own notification settings. */
export const NotificationSettings = Type.Object({
  email: Nullable(EmailAddress),
  /** Send alerts by e-mail (needs `email`). */
  mail: Type.Boolean(),
  /** Send alerts to the subscribed devices. */
  push: Type.Boolean(),
  /** City hall: member of the disaster support team (災害時要援護者支援), told of every help request. */
  disasterSupport: Type.Boolean(),
  devices: Type.Array(PushDevice),
  /** What the hub can send with: a channel not configured is not offered. */
  available: Type.Object({ mail: Type.Boolean(), push: Type.Boolean() }),
  /** The hub's VAPID public key (base64url) for PushManager.subscribe; null without Web Push. */
  vapidPublicKey: Nullable(Type.String()),
});
export type NotificationSettings = Static<typeof NotificationSettings>;

export const NotificationSettingsBody = Closed({
  email: Nullable(EmailAddress),
  mail: Type.Boolean(),
  push: Type.Boolean(),
  disasterSupport: Type.Optional(Type.Boolean()),
});
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

/** What PushSubscription.toJSON() gives, plus a name for the device. */
export const PushSubscriptionBody = Closed({
  endpoint: Type.String({ minLength: 10, maxLength: 2000, pattern: '^https?://' }),
  keys: Closed({
    p256dh: Type.String({ minLength: 80, maxLength: 120, pattern: '^[A-Za-z0-9_-]+=*$' }),
    auth: Type.String({ minLength: 16, maxLength: 40, pattern: '^[A-Za-z0-9_-]+=*$' }),
  }),
  expirationTime: Type.Optional(Nullable(Type.Number())),
  label: Type.Optional(Type.String({ maxLength: 120 })),
});
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

/** The signed token of an acknowledgement link (as e-mailed or in a push notification). */
export const AckLinkBody = Closed({
  token: Type.String({ minLength: 20, maxLength: 400, pattern: '^[A-Za-z0-9_.-]+$' }),
});
export type AckLinkBody = Static<typeof AckLinkBody>;

/** What a push notification carries to the watcher's service worker. */
export const PushMessage = Type.Object({
  title: Type.String(),
  body: Type.String(),
  /** Opens the console where the alert is acknowledged (one tap). */
  url: Type.String(),
  /** One notification per alert on the device: a later step replaces the earlier one. */
  tag: Type.String(),
  alertId: Id,
  urgent: Type.Boolean(),
});
export type PushMessage = Static<typeof PushMessage>;
