/**
 * The screens that are not the first one, loaded on demand so the home screen starts with less
 * JavaScript to fetch and run (issue 17). Every chunk is fetched in the background once the home
 * screen is up, and the page's service worker (and the kiosk's packaged files) keep them, so a
 * screen opened later — or offline — normally appears at once; the loading state is for the rare
 * case it does not.
 */
import { Screen } from '@tsunagu/ui';
import { lazy, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

const loaders = {
  screens: () => import('./lazy-screens'),
  enrollment: () => import('../features/enrollment/EnrollmentScreen'),
  // Not a screen: the call's media (simple-peer), imported by the call controller when a call starts.
  media: () => import('@tsunagu/call'),
};

export const ShopChooserScreen = lazy(() => loaders.screens().then((m) => ({ default: m.ShopChooserScreen })));
export const CheckinScreen = lazy(() => loaders.screens().then((m) => ({ default: m.CheckinScreen })));
export const AnnouncementsScreen = lazy(() => loaders.screens().then((m) => ({ default: m.AnnouncementsScreen })));
export const HelpScreen = lazy(() => loaders.screens().then((m) => ({ default: m.HelpScreen })));
export const CallScreen = lazy(() => loaders.screens().then((m) => ({ default: m.CallScreen })));
export const EnrollmentScreen = lazy(() => loaders.enrollment().then((m) => ({ default: m.EnrollmentScreen })));

let preloaded = false;
/** Fetches every other screen's code once the first screen is up (when the page is idle). */
export function preloadScreens(): void {
  if (preloaded) return;
  preloaded = true;
  const run = () => {
    for (const load of Object.values(loaders)) void load().catch(() => undefined);
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 200);
}

/** While a screen's code arrives: large, calm and announced to screen readers; no spinner, no time limit. */
export function ScreenLoading(): ReactElement {
  const { t } = useTranslation();
  return (
    <Screen title={t('app.name')} testId="screen-loading">
      <p className="ts-text ts-text--large" role="status" aria-live="polite">
        {t('app.loading')}
      </p>
    </Screen>
  );
}
