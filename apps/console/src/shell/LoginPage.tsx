/** Sign-in form: user name and password, then the authenticator app's code if the account has one; errors say what to do next. */
import type { SessionInfo } from '@tsunagu/protocol';
import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiClient, ApiError } from '../api/client';
import { TextField, useFormFields } from './form';
import { InvitationForm } from './InvitationForm';
import { LoginCard } from './LoginCard';
import { Button, ErrorMessage, StatusMessage } from './ui';

export function LoginPage(props: { api: ApiClient; notice?: string | null; onSignedIn(session: SessionInfo): void }) {
  const { t } = useTranslation();
  const { values, set, field } = useFormFields({ username: '', password: '', code: '' });
  const { username, password, code } = values;
  // Asked for after the password, when the hub says the account has two-factor sign-in.
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [settingPassword, setSettingPassword] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  // Each time the code is asked for (again), the cursor goes to its field.
  const [codeAsked, setCodeAsked] = useState(0);
  useEffect(() => {
    if (codeAsked > 0) codeRef.current?.focus();
  }, [codeAsked]);

  useEffect(() => {
    usernameRef.current?.focus();
  }, []);

  // What every sign-in field has: its id and label by name, required, marked invalid while an error shows.
  const loginField = (name: keyof typeof values, ref: RefObject<HTMLInputElement | null>) => ({
    id: `login-${name}`,
    ref,
    label: t(`login.${name}`),
    ...field(name),
    required: true,
    'aria-invalid': error ? true : undefined,
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await props.api.login(username.trim(), password, needsCode ? code.trim() : undefined);
      props.onSignedIn(session);
    } catch (err) {
      setBusy(false);
      const twoFactor = err instanceof ApiError ? err.code : null;
      if (twoFactor === 'TWO_FACTOR_REQUIRED' || twoFactor === 'TWO_FACTOR_INVALID') {
        // The password was right: keep it, and ask for (another) code.
        setNeedsCode(true);
        setError(twoFactor === 'TWO_FACTOR_INVALID' ? err : null);
        set('code', '');
        setCodeAsked((n) => n + 1);
        return;
      }
      setError(err);
      set('password', '');
      setNeedsCode(false);
      set('code', '');
      passwordRef.current?.focus();
    }
  };

  return (
    <LoginCard testId="login-page">
      {settingPassword ? (
        <InvitationForm
          api={props.api}
          onCancel={() => setSettingPassword(false)}
          onDone={(accepted) => {
            setSettingPassword(false);
            set('username', accepted.username);
            setNotice(t('login.invitationDone', { name: accepted.displayName, username: accepted.username }));
          }}
        />
      ) : (
        <>
          <h2>{t('login.title')}</h2>
          <p>{t('login.intro')}</p>
          <StatusMessage testId="login-notice">{notice ?? props.notice}</StatusMessage>
          <form onSubmit={submit} noValidate>
            <TextField
              {...loginField('username', usernameRef)}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
            />
            <TextField {...loginField('password', passwordRef)} type="password" autoComplete="current-password" />
            {needsCode ? (
              <TextField
                {...loginField('code', codeRef)}
                hint={t('login.codeHint')}
                autoComplete="one-time-code"
                autoCapitalize="characters"
                spellCheck={false}
                data-testid="login-code"
              />
            ) : null}
            <ErrorMessage error={error} testId="login-error" />
            <button
              type="submit"
              className="button button-primary button-wide"
              disabled={busy || !username || !password || (needsCode && code.trim().length < 6)}
              data-testid="login-submit"
            >
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </form>
          <Button size="wide" onClick={() => setSettingPassword(true)} testId="open-invitation">
            {t('login.invitation')}
          </Button>
        </>
      )}
    </LoginCard>
  );
}
