/**
 * The console's service worker: it makes the console installable on a watcher's phone and shows
 * the hub's Web Push messages (a watch alert: whose household, what happened) as notifications;
 * a tap opens the console at the alert's acknowledgement link. Nothing is cached: the console
 * needs the hub to act on an alert anyway.
 */
/// <reference lib="webworker" />
import type { PushMessage } from '@tsunagu/protocol';

declare const self: ServiceWorkerGlobalScope;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
// A fetch handler is part of what makes a page installable; the network answers everything.
self.addEventListener('fetch', () => {});

self.addEventListener('push', (event) => {
  let message: PushMessage | null = null;
  try {
    message = event.data?.json() as PushMessage;
  } catch {
    message = null;
  }
  const m = message;
  if (!m) return;
  event.waitUntil(
    self.registration.showNotification(m.title, {
      body: m.body,
      tag: m.tag,
      data: { url: m.url, alertId: m.alertId },
      // A help request stays on screen until someone taps it.
      requireInteraction: m.urgent,
      icon: './icon.svg',
      lang: 'ja',
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: string } | null;
  const url = new URL(data?.url ?? '/console/', self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname.startsWith('/console/'));
      if (open) {
        await open.navigate(url);
        return open.focus();
      }
      return self.clients.openWindow(url);
    })(),
  );
});
