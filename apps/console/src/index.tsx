// Entry point of the staff console (bundled by scripts/build-web.mjs into dist/web/app.js and app.css).
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { createConsoleI18n, rememberedLanguage } from './i18n/i18n';

let storage: Storage | undefined;
try {
  storage = window.localStorage;
} catch {
  storage = undefined;
}
const language = rememberedLanguage(storage);
document.documentElement.lang = language;
const i18n = createConsoleI18n(language);
document.title = i18n.t('app.name');

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
