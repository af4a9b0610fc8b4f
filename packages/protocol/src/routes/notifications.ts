/** Routes of the REST table (api.ts): a staff member's notification settings and devices, and acknowledgement links. */
import { Type } from '@sinclair/typebox';
import * as ex from '../examples';
import {
  AckLinkBody,
  NotificationSettings,
  NotificationSettingsBody,
  PushDevice,
  PushSubscriptionBody,
} from '../notifications';
import { WatchAlert } from '../watch';
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

/** The alert an acknowledgement link is about; `acknowledged: false` when someone had already done it. */
export const AckLinkResult = Type.Object({ alert: WatchAlert, acknowledged: Type.Boolean() });

const device = ex.notificationSettings.devices[0]!;
const subscription = {
  endpoint: 'https://push.example.net/send/abc123',
  keys: {
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
  label: 'Android のスマートフォン',
};

export const notificationsRoutes = {
  'GET /api/notifications/settings': route({
    description: 'My notification settings: e-mail, Web Push and the devices subscribed.',
    response: { 200: sample(NotificationSettings, ex.notificationSettings) },
  }),
  'PUT /api/notifications/settings': route({
    body: sample(NotificationSettingsBody, { email: 'kato@example.city', mail: true, push: true }),
    response: { 200: sample(NotificationSettings, ex.notificationSettings) },
  }),
  'POST /api/notifications/devices': route({
    description: 'Subscribes this device to Web Push (PushSubscription.toJSON() and a name).',
    body: sample(PushSubscriptionBody, subscription),
    response: { 201: sample(PushDevice, device) },
  }),
  'DELETE /api/notifications/devices/:id': onRecord(3, {
    response: { 200: sample(NotificationSettings, { ...ex.notificationSettings, devices: [] }) },
  }),
  'POST /api/notifications/acknowledge': route({
    description: 'Acknowledges the alert of a signed, single-use link from an e-mail or a push notification.',
    body: sample(AckLinkBody, { token: 'eyJkIjo3MSwiYSI6NDEsInUiOjQsImUiOjE3NDM0NjU2MDB9.c2lnbmF0dXJlLWhlcmU' }),
    response: {
      200: sample(AckLinkResult, {
        alert: { ...ex.watchAlert, state: 'acknowledged', acknowledgedAt: ex.at, acknowledgedBy: 'user:4:kato' },
        acknowledged: true,
      }),
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
