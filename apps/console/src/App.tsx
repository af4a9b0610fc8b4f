/** Top of the console: restores the session on load, shows the login page or the shell. */
import type { SessionInfo } from '@tsunagu/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient } from './api/client';
import { StaffConnection, StaffConnectionContext } from './api/socket';
import { TwoFactorRequiredPage } from './features/account/TwoFactorRequiredPage';
import { CallBar } from './features/calls/CallBar';
import { features } from './features/registry';
import { SystemBanner } from './features/system/SystemBanner';
import { type Session, SessionContext } from './session';
import { LoginPage } from './shell/LoginPage';
import { Shell } from './shell/Shell';
import { ErrorMessage } from './shell/ui';

type State =
  | { kind: 'restoring' }
  | { kind: 'restoreFailed'; error: unknown }
  | { kind: 'signedOut'; notice: string | null }
  | { kind: 'signedIn'; session: SessionInfo; connection: StaffConnection }
  /** City hall staff who must set up two-factor sign-in before anything else. */
  | { kind: 'twoFactorSetup'; session: SessionInfo };

export function App() {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: 'restoring' });
  const [attempt, setAttempt] = useState(0);
  const api = useMemo(
    () =>
      new ApiClient({
        onUnauthenticated: () =>
          setState((s) => (s.kind === 'signedIn' ? { kind: 'signedOut', notice: 'expired' } : s)),
      }),
    [],
  );
  // The hub closed the live connection: the session ended (back to the login page) or the user's
  // rights changed (a fresh session view and connection).
  const signedIn = useMemo(() => {
    const make = (session: SessionInfo): State =>
      session.twoFactor.required && !session.twoFactor.enabled
        ? { kind: 'twoFactorSetup', session }
        : {
            kind: 'signedIn',
            session,
            connection: new StaffConnection(undefined, () => {
              api.restoreSession().then(
                (s) => setState(s ? make(s) : { kind: 'signedOut', notice: 'expired' }),
                () => {}, // the hub is unreachable: the connection indicator already says so
              );
            }),
          };
    return make;
  }, [api]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt triggers a retry
  useEffect(() => {
    let alive = true;
    api.restoreSession().then(
      (session) => {
        if (!alive) return;
        setState(session ? signedIn(session) : { kind: 'signedOut', notice: null });
      },
      (error) => alive && setState({ kind: 'restoreFailed', error }),
    );
    return () => {
      alive = false;
    };
  }, [api, attempt, signedIn]);

  // The socket lives as long as the session; closing it on sign-out stops live updates at once.
  useEffect(() => {
    if (state.kind !== 'signedIn') return;
    state.connection.connect();
    return () => state.connection.close();
  }, [state]);

  const session: Session | null = useMemo(() => {
    if (state.kind !== 'signedIn') return null;
    return {
      user: state.session.user,
      api,
      async signOut() {
        // Closed first: the hub closing it on sign-out would otherwise read as "your session expired".
        state.connection.close();
        try {
          await api.logout();
        } catch {
          // Already signed out on the hub (expired session): the login page is still the right place.
        }
        window.location.hash = '';
        setState({ kind: 'signedOut', notice: 'signedOut' });
      },
    };
  }, [state, api]);

  if (state.kind === 'restoring')
    return (
      <p className="splash" role="status">
        {t('app.loading')}
      </p>
    );
  if (state.kind === 'restoreFailed')
    return (
      <main className="login-page" id="main">
        <div className="login-card">
          <h1>{t('app.name')}</h1>
          <ErrorMessage error={state.error} />
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setState({ kind: 'restoring' });
              setAttempt((n) => n + 1);
            }}
          >
            {t('app.retry')}
          </button>
        </div>
      </main>
    );
  if (state.kind === 'twoFactorSetup')
    return (
      <TwoFactorRequiredPage
        api={api}
        onEnabled={() => {
          api.restoreSession().then(
            (s) => setState(s ? signedIn(s) : { kind: 'signedOut', notice: 'expired' }),
            (error) => setState({ kind: 'restoreFailed', error }),
          );
        }}
        onSignOut={() => {
          api.logout().catch(() => {});
          setState({ kind: 'signedOut', notice: 'signedOut' });
        }}
      />
    );
  if (state.kind === 'signedOut' || !session)
    return (
      <LoginPage
        api={api}
        notice={
          state.kind === 'signedOut' && state.notice
            ? t(state.notice === 'expired' ? 'login.sessionExpired' : 'login.signedOut')
            : null
        }
        onSignedIn={(s) => setState(signedIn(s))}
      />
    );
  return (
    <SessionContext.Provider value={session}>
      <StaffConnectionContext.Provider value={state.connection}>
        <Shell
          features={features}
          banner={
            <>
              <SystemBanner />
              <CallBar />
            </>
          }
        />
      </StaffConnectionContext.Provider>
    </SessionContext.Provider>
  );
}
