/**
 * The notifications service: a person's settings and devices, the deliveries shown with each
 * alert, and acknowledging an alert through a link (dispatcher.ts sends; channel.ts is the
 * interface each channel implements).
 */
import type {
  NotificationDelivery,
  NotificationSettings,
  NotificationSettingsBody,
  PushDevice,
  PushSubscriptionBody,
  User,
  WatchAlert,
} from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, badRequest, forbidden, notFound } from '../../lib/errors';
import type { NotificationChannel } from './channel';
import type { Dispatcher } from './dispatcher';
import type { Links } from './links';
import type { NotificationsStore } from './store';

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export interface NotificationsService {
  settings(user: User): Promise<NotificationSettings>;
  saveSettings(user: User, body: NotificationSettingsBody): Promise<NotificationSettings>;
  addDevice(user: User, body: PushSubscriptionBody): Promise<PushDevice>;
  removeDevice(user: User, deviceId: number): Promise<NotificationSettings>;
  deliveries(alertId: number): Promise<NotificationDelivery[]>;
  /**
   * Acknowledges the alert of a link for the signed-in person it was sent to (once per link);
   * `acknowledged: false` when someone had already acknowledged or resolved it.
   */
  acknowledgeByLink(
    user: User,
    token: string,
    acknowledge: (alertId: number) => Promise<WatchAlert>,
  ): Promise<{ alertId: number; acknowledged: boolean; channel: string }>;
  /** Resolves when no send is in flight. */
  settle(): Promise<void>;
}

export function createNotificationsService(
  ctx: Pick<HubContext, 'clock'>,
  deps: {
    store: NotificationsStore;
    channels: NotificationChannel[];
    dispatcher: Dispatcher;
    links: Links;
    vapidPublicKey: string | null;
    alertState: (alertId: number) => Promise<WatchAlert['state'] | null>;
  },
): NotificationsService {
  const { store, links } = deps;
  const has = (name: string) => deps.channels.some((c) => c.name === name);

  async function settings(user: User): Promise<NotificationSettings> {
    const [mail, push, disasterSupport, devices] = await Promise.all([
      store.optIn(user.id, 'mail'),
      store.optIn(user.id, 'push'),
      store.disasterSupport(user.id),
      store.devices(user.id),
    ]);
    return {
      email: mail?.address ?? null,
      mail: mail?.enabled ?? false,
      push: push?.enabled ?? true,
      disasterSupport,
      devices: devices.map((d) => ({
        id: d.id,
        label: d.label,
        createdAt: iso(d.createdAt),
        lastSuccessAt: isoOrNull(d.lastSuccessAt),
      })),
      available: { mail: has('mail'), push: has('push') },
      vapidPublicKey: deps.vapidPublicKey,
    };
  }

  return {
    settings,

    async saveSettings(user, body) {
      if (body.mail && !body.email)
        throw badRequest('VALIDATION_FAILED', 'Enter an e-mail address to receive alerts by e-mail.', [
          { path: 'body.email', message: 'is required to turn e-mail on' },
        ]);
      if (body.disasterSupport && user.role !== 'cityhall')
        throw forbidden('Only city hall staff belong to the disaster support team.');
      const now = ctx.clock.now();
      await store.setOptIn(user.id, 'mail', { enabled: body.mail, address: body.email }, now);
      await store.setOptIn(user.id, 'push', { enabled: body.push, address: null }, now);
      if (body.disasterSupport !== undefined) await store.setDisasterSupport(user.id, body.disasterSupport, now);
      return settings(user);
    },

    async addDevice(user, body) {
      if (!has('push')) throw new AppError(409, 'PUSH_UNAVAILABLE', 'This hub does not send Web Push.');
      if ((await store.devices(user.id)).length >= 20)
        throw new AppError(409, 'TOO_MANY_DEVICES', 'Remove a device you no longer use first (20 at most).');
      const d = await store.saveDevice({
        userId: user.id,
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        label: body.label?.trim() || 'この端末',
        createdAt: ctx.clock.now(),
      });
      return { id: d.id, label: d.label, createdAt: iso(d.createdAt), lastSuccessAt: null };
    },

    async removeDevice(user, deviceId) {
      const d = await store.device(deviceId);
      // Someone else's device is "not found": ids cannot be probed.
      if (!d || d.userId !== user.id) throw notFound('device');
      await store.deleteDevice(deviceId);
      return settings(user);
    },

    deliveries: async (alertId) =>
      (await store.deliveriesOf(alertId)).map((d) => ({
        id: d.id,
        channel: d.channel,
        userId: d.userId,
        userName: d.userName,
        level: d.level,
        status: d.status,
        attempts: d.attempts,
        lastError: d.lastError,
        createdAt: iso(d.createdAt),
        sentAt: isoOrNull(d.sentAt),
        nextAttemptAt: isoOrNull(d.nextAttemptAt),
        acknowledgedAt: isoOrNull(d.acknowledgedAt),
      })),

    async acknowledgeByLink(user, token, acknowledge) {
      const now = ctx.clock.now();
      const claims = links.verify(token, now);
      const d = await store.delivery(claims.deliveryId);
      if (!d || d.alertId !== claims.alertId || d.userId !== claims.userId)
        throw new AppError(400, 'LINK_INVALID', 'This link is not valid. Open the alert in the console.');
      if (d.userId !== user.id)
        throw new AppError(
          403,
          'LINK_NOT_YOURS',
          'This link was sent to someone else. Sign in as that person, or open the alert in the console.',
        );
      if (!(await store.useLink(d.id, now)))
        throw new AppError(409, 'LINK_USED', 'This link has already been used. Open the alert in the console.');
      const state = await deps.alertState(d.alertId);
      if (state === null) throw notFound('alert');
      if (state !== 'open') return { alertId: d.alertId, acknowledged: false, channel: d.channel };
      try {
        await acknowledge(d.alertId);
      } catch (err) {
        // Someone acknowledged it a moment before: the watcher still sees the alert and by whom.
        if (err instanceof AppError && err.code === 'ALERT_NOT_OPEN')
          return { alertId: d.alertId, acknowledged: false, channel: d.channel };
        throw err;
      }
      return { alertId: d.alertId, acknowledged: true, channel: d.channel };
    },

    settle: () => deps.dispatcher.settle(),
  };
}
