// Entry point of the terminal renderer (bundled by scripts/build-web.mjs into dist/web/app.js).
import { createI18n, isUiLanguage } from '@tsunagu/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { createPlatform, rememberedLanguage } from './shell/platform';

const remembered = rememberedLanguage();
const language = isUiLanguage(remembered) ? remembered : 'ja';
document.documentElement.lang = language;
const i18n = createI18n(language);
document.title = i18n.t('app.name');

// In a browser (not the kiosk, which ships these files itself): keep the page's own files, so a
// reload while the hub is away still starts the terminal.
if (!window.terminal && 'serviceWorker' in navigator && window.isSecureContext) {
  void navigator.serviceWorker.register('./sw.js').catch(() => undefined);
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App platform={createPlatform()} i18n={i18n} />
      </I18nextProvider>
    </StrictMode>,
  );
}
