// Entry point of the terminal renderer (bundled by scripts/build-web.mjs into dist/web/app.js).
import { createI18n, isUiLanguage, mountApp } from '@tsunagu/ui';
import { App } from './App';
import { createPlatform, rememberedLanguage } from './shell/platform';

// For the bench's start figure (User Timing): every module of the first screen has been evaluated.
performance.mark('terminal:script');

const remembered = rememberedLanguage();
const i18n = createI18n(isUiLanguage(remembered) ? remembered : 'ja');

// In a browser (not the kiosk, which ships these files itself): keep the page's own files, so a
// reload while the hub is away still starts the terminal.
if (!window.terminal && 'serviceWorker' in navigator && window.isSecureContext) {
  void navigator.serviceWorker.register('./sw.js').catch(() => undefined);
}

mountApp(i18n, <App platform={createPlatform()} i18n={i18n} />);
