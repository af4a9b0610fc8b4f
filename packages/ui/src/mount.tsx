/** Starts one of the web apps (terminal renderer, console) in the page's #root, in its language. */
import type { i18n as I18n } from 'i18next';
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';

export function mountApp(i18n: I18n, app: ReactNode): void {
  document.documentElement.lang = i18n.language;
  document.title = i18n.t('app.name');
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>{app}</I18nextProvider>
    </StrictMode>,
  );
}
