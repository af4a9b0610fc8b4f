// Entry point of the staff console (bundled by scripts/build-web.mjs into dist/web/app.js and app.css).
import './styles.css';
import { mountApp } from '@tsunagu/ui';
import { App } from './App';
import { createConsoleI18n, rememberedLanguage } from './i18n/i18n';

let storage: Storage | undefined;
try {
  storage = window.localStorage;
} catch {
  storage = undefined;
}
mountApp(createConsoleI18n(rememberedLanguage(storage)), <App />);
