/** The signed-in frame: header (who, live status, language, sign out), role-based navigation, the page. */
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffSocketStatus } from '../api/socket';
import { navRolesOf, useSession } from '../session';
import { type Feature, featuresFor } from './feature';
import { LanguageSwitch } from './LanguageSwitch';
import { useHashRoute } from './route';
import { Button } from './ui';

/**
 * `features`: the pages of the console (features/registry.ts); the shell shows those the user's roles
 * allow. `banner`: what must be seen over every page (the hub cannot store).
 */
export function Shell({ features, banner }: { features: readonly Feature[]; banner?: ReactNode }) {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const available = useMemo(() => featuresFor(navRolesOf(user), features), [user, features]);
  const route = useHashRoute();
  const current = available.find((f) => f.id === route) ?? available[0];
  const live = useStaffSocketStatus();
  const headingRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // Moving between pages: put focus at the top of the new page so keyboard and screen reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on page change
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [current?.id]);

  useEffect(() => {
    document.title = current ? `${t(current.labelKey)} – ${t('app.name')}` : t('app.name');
  }, [current, t]);

  const roleLabel = user.admin ? `${t(`roles.${user.role}`)}・${t('roles.admin')}` : t(`roles.${user.role}`);

  return (
    <div className="shell">
      {/* A button, not an <a href="#main">: the URL fragment is the page route here. */}
      <button type="button" className="skip-link" onClick={() => headingRef.current?.focus()}>
        {t('app.skipToContent')}
      </button>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className={`live live-${live}`} data-testid="live-status" data-status={live}>
          <span className="live-dot" aria-hidden="true" />
          {t(`shell.live.${live}`)}
        </span>
        <span className="who" data-testid="signed-in-as">
          {t('shell.signedInAs', { name: user.displayName, role: roleLabel })}
        </span>
        <LanguageSwitch />
        <Button onClick={() => void signOut()} testId="logout">
          {t('shell.logout')}
        </Button>
      </header>
      <div className="shell-body">
        <nav className="sidenav" aria-label={t('shell.nav')}>
          <ul>
            {available
              .filter((f) => !f.hidden)
              .map((f) => (
                <li key={f.id}>
                  <a
                    href={`#/${f.id}`}
                    aria-current={f.id === current?.id ? 'page' : undefined}
                    data-testid={`nav-${f.id}`}
                  >
                    {t(f.labelKey)}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" className="page" ref={headingRef} tabIndex={-1} data-testid={`page-${current?.id ?? 'none'}`}>
          {banner}
          {current ? <div key={current.id}>{current.element}</div> : <p>{t('shell.noFeatures')}</p>}
        </main>
      </div>
    </div>
  );
}
