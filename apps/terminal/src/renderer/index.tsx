// Entry point of the terminal renderer (bundled by scripts/build-web.mjs into dist/web/app.js).
// It only starts: it reads the hub's address and the credential and starts connecting, and loads
// React and the app (boot.tsx) alongside, so the socket's handshake and the hub's answer (the
// profile home is drawn from) overlap the loading of React instead of following its first render
// (issue 17). index.html preloads boot's files too (modulepreload), so nothing waits on this file.
import { startEarly } from './connection/early';
import { createPlatform } from './shell/platform';

const platform = createPlatform();
const start = startEarly(platform, { connect: true });
// (No Intl warm-up here any more: the home clock no longer uses Intl, @tsunagu/ui format/clock.ts.)

// In a browser (not the kiosk, which ships these files itself): keep the page's own files, so a
// reload while the hub is away still starts the terminal. Registered a moment after the page has
// loaded: the worker's install fetches every file of the terminal again, which otherwise competed
// with the first screen for the hub and the CPU (issue 17, terminal start).
const WORKER_AFTER_LOAD_MS = 1000;
if (!window.terminal && 'serviceWorker' in navigator && window.isSecureContext) {
  const register = () => void navigator.serviceWorker.register('./sw.js').catch(() => undefined);
  const later = () => setTimeout(register, WORKER_AFTER_LOAD_MS);
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
}

void import('./boot').then(({ boot }) => boot(platform, start));
