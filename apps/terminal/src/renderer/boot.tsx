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
  mountApp(i18n, <App platform={platform} i18n={i18n} start={start} />);
}
