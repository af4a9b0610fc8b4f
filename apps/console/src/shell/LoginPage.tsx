/** Sign-in form: user name and password; errors say what to do next. */
import type { SessionInfo } from '@tsunagu/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client';
import { LanguageSwitch } from './LanguageSwitch';
import { ErrorMessage, StatusMessage } from './ui';

export function LoginPage(props: { api: ApiClient; notice?: string | null; onSignedIn(session: SessionInfo): void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    usernameRef.current?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await props.api.login(username.trim(), password);
      props.onSignedIn(session);
    } catch (err) {
      setError(err);
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  };

  return (
    <div className="login-page">
      <main className="login-card" id="main" data-testid="login-page">
        <div className="login-top">
          <h1>{t('app.name')}</h1>
          <LanguageSwitch />
        </div>
        <h2>{t('login.title')}</h2>
        <p>{t('login.intro')}</p>
        <StatusMessage testId="login-notice">{props.notice}</StatusMessage>
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input
              id="login-username"
              ref={usernameRef}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <ErrorMessage error={error} testId="login-error" />
          <button
            type="submit"
            className="button button-primary button-wide"
            disabled={busy || !username || !password}
            data-testid="login-submit"
          >
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
