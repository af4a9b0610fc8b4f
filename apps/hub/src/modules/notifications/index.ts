/**
 * The notifications capability (issue 16): watch alerts reach people outside the console — e-mail
 * through the city's SMTP server and Web Push to watchers' phones — with every delivery recorded,
 * retried and shown on the alert. More channels (SMS, voice) implement `NotificationChannel`.
 */
import https from 'node:https';
import webpush from 'web-push';
import type { HubCore } from '../../core';
import { randomToken } from '../../lib/secrets';
import type { WatchService } from '../watch';
import type { NotificationChannel } from './channel';
import { createDispatcher } from './dispatcher';
import { createLinks } from './links';
import { createMailChannel } from './mail';
import { createPushChannel } from './push';
import { notificationsRoutes } from './routes';
import { createNotificationsService, type NotificationsService } from './service';
import { createNotificationsStore } from './store';

/** PostgreSQL: how often the hub running the retries looks for what other hubs left due. */
const RETRY_POLL_MS = 30_000;

export type { NotificationChannel, OutgoingMessage, SendOutcome } from './channel';
export type { NotificationsService } from './service';

/** The contact push services may use: TSUNAGU_VAPID_SUBJECT, else the hub's https address, else the From address. */
function vapidSubject(core: HubCore): string {
  const { notifications, publicUrl } = core.ctx.config;
  if (notifications.vapidSubject) return notifications.vapidSubject;
  if (publicUrl.startsWith('https:')) return publicUrl;
  const from = /<([^>]+)>/.exec(notifications.mailFrom ?? '')?.[1] ?? notifications.mailFrom;
  return `mailto:${from ?? 'tsunagu@localhost'}`;
}

export async function registerNotifications(
  hub: HubCore,
  needs: { watch: WatchService; channels?: NotificationChannel[] },
): Promise<NotificationsService> {
  const { ctx } = hub;
  const config = ctx.config.notifications;
  const store = createNotificationsStore(ctx.sql);
  const now = () => ctx.clock.now();
  const links = createLinks(await store.ensureKey('link_secret', randomToken(32), now()));

  const channels: NotificationChannel[] = [];
  if (config.smtpUrl && config.mailFrom)
    channels.push(createMailChannel({ smtpUrl: config.smtpUrl, from: config.mailFrom }));
  let vapidPublicKey: string | null = null;
  if (config.push) {
    // Generated once and kept: every browser's subscription is bound to this key.
    const generated = config.vapidKeys ? null : webpush.generateVAPIDKeys();
    const keys = config.vapidKeys ?? {
      publicKey: await store.ensureKey('vapid_public_key', generated!.publicKey, now()),
      privateKey: await store.ensureKey('vapid_private_key', generated!.privateKey, now()),
    };
    vapidPublicKey = keys.publicKey;
    channels.push(
      createPushChannel({
        store,
        vapid: { subject: vapidSubject(hub), ...keys },
        now,
        ...(config.pushCa ? { agent: new https.Agent({ ca: config.pushCa, keepAlive: true }) } : {}),
      }),
    );
  }
  channels.push(...(needs.channels ?? []));

  const { watch } = needs;
  const dispatcher = createDispatcher(ctx, {
    store,
    channels,
    links,
    watch: {
      alert: (id) => watch.alert(id),
      alertChanged: (id) => watch.alertChanged(id),
      districtName: async (id) => (await hub.stores.households.listDistricts()).find((d) => d.id === id)?.name ?? null,
    },
    pollMs: ctx.sql.engine === 'postgres' ? RETRY_POLL_MS : null,
  });
  const service = createNotificationsService(ctx, {
    store,
    channels,
    dispatcher,
    links,
    vapidPublicKey,
    alertState: async (id) => (await watch.alert(id))?.state ?? null,
  });
  watch.setDeliveryLookup(service.deliveries);
  ctx.events.on('watch.alertRaised', (e) => {
    void dispatcher.alertRaised(e).catch((err) => ctx.log.error({ err }, 'notifications not sent'));
  });
  ctx.events.on('watch.alertSettled', (e) => {
    void dispatcher.alertSettled(e).catch((err) => ctx.log.error({ err }, 'notifications not settled'));
  });
  await hub.app.register(notificationsRoutes(ctx, { service, watch }));
  hub.app.addHook('preClose', async () => {
    dispatcher.stop();
    for (const c of channels) await c.close?.();
  });
  // Retries (also those left by a previous run or another hub) are picked up by one hub, the jobs'
  // runner (never the admin CLI on the same database).
  ctx.jobs.add('notification retries', dispatcher.retries);
  return service;
}
