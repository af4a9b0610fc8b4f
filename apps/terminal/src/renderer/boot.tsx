// The terminal's React app, loaded by index.tsx while the connection is already being opened.
import { createI18n, isUiLanguage, mountApp } from '@tsunagu/ui';
import { App } from './App';
import type { StartFacts } from './connection/early';
import { type Platform, rememberedLanguage } from './shell/platform';

export function boot(platform: Platform, start: Promise<StartFacts>): void {
  // For the bench's start figure (User Timing): every module of the first screen has been evaluated.
  performance.mark('terminal:script');
  const remembered = rememberedLanguage();
  const i18n = createI18n(isUiLanguage(remembered) ? remembered : 'ja');
  // Mounted with the start facts in hand (read by the entry, already resolved or a round trip to
  // the kiosk's main away): the App's first render is then the screen itself — home, from the
  // remembered profile — not an empty frame followed by effects that each wait for the next frame.
  void start.then((facts) => mountApp(i18n, <App platform={platform} i18n={i18n} facts={facts} />));
}
