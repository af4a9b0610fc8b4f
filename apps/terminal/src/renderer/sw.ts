/**
 * The terminal page's service worker (Workbox precaching): the app's own files are kept by the
 * browser, so a reload while the hub cannot be reached still starts the terminal — which then shows
 * the offline screen with what it kept (IndexedDB) instead of the browser's error page. API calls
 * and the Socket.IO connection are never cached. The build injects the list of files and their
 * revisions (scripts/build-web.mjs).
 */
/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string }> };

// `?hub=` and the like do not change which file is the page.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/], directoryIndex: 'index.html' });
cleanupOutdatedCaches();

// A new version of the terminal takes over at once: a kiosk has nobody to click "update".
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
