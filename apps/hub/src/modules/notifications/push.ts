/**
 * Web Push to watchers' phones and browsers (the `web-push` package: VAPID, aes128gcm). Each
 * subscribed device is its own address; a device the push service says is gone (404, 410) is
 * removed, which is not a failure of the channel.
 */
import type https from 'node:https';
import type { PushMessage } from '@tsunagu/protocol';
import webpush, { WebPushError } from 'web-push';
import type { NotificationChannel, OutgoingMessage, SendOutcome } from './channel';
import type { NotificationsStore } from './store';

/** How long a push service keeps a message for a phone that is off (it is about someone who may need help). */
const TTL_SECONDS = 24 * 3600;

export function pushPayload(m: OutgoingMessage): PushMessage {
  return {
    title: m.title,
    body: m.body,
    url: m.ackPath,
    tag: `alert-${m.alertId}`,
    alertId: m.alertId,
    urgent: m.urgent,
  };
}

function outcomeOf(err: unknown): SendOutcome & { ok: false } {
  if (err instanceof WebPushError) {
    const { statusCode } = err;
    if (statusCode === 404 || statusCode === 410)
      return { ok: false, gone: true, retry: false, error: `The device is no longer subscribed (${statusCode}).` };
    const permanent = statusCode === 400 || statusCode === 401 || statusCode === 403 || statusCode === 413;
    const body = (err.body ?? '').toString().slice(0, 200);
    return { ok: false, retry: !permanent, error: `The push service answered ${statusCode}${body ? `: ${body}` : ''}` };
  }
  return { ok: false, retry: true, error: `Push not sent: ${err instanceof Error ? err.message : String(err)}` };
}

export function createPushChannel(deps: {
  store: NotificationsStore;
  vapid: { subject: string; publicKey: string; privateKey: string };
  now: () => number;
  /** For push services behind a private CA (TSUNAGU_PUSH_CA_FILE). */
  agent?: https.Agent;
  timeoutMs?: number;
}): NotificationChannel {
  const { store } = deps;
  return {
    name: 'push',
    defaultOn: true,
    addresses: async (userId) => (await store.devices(userId)).map((d) => String(d.id)),
    async send(address, m) {
      const device = await store.device(Number(address));
      if (!device) return { ok: false, gone: true, retry: false, error: 'The device was removed.' };
      try {
        await webpush.sendNotification(
          { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
          JSON.stringify(pushPayload(m)),
          {
            vapidDetails: deps.vapid,
            TTL: TTL_SECONDS,
            urgency: m.urgent || m.level >= 1 ? 'high' : 'normal',
            topic: `alert${m.alertId}`,
            contentEncoding: 'aes128gcm',
            timeout: deps.timeoutMs ?? 20_000,
            ...(deps.agent ? { agent: deps.agent } : {}),
          },
        );
        await store.deviceSucceeded(device.id, deps.now());
        return { ok: true };
      } catch (err) {
        const outcome = outcomeOf(err);
        if (outcome.gone) await store.deleteDevice(device.id);
        return outcome;
      }
    },
  };
}
