/** Every signed-in person: who they are signed in as, and changing their own password. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useSession } from '../../session';
import { ErrorMessage, Field, StatusMessage } from '../../shell/ui';

export function AccountPage() {
  const { t } = useTranslation();
  const { api, user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next.length < 10) return setError(t('account.tooShort'));
    if (next !== confirm) return setError(t('account.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (err) {
      // On this form INVALID_CREDENTIALS means the current password was wrong, not the sign-in.
      setError(
        err instanceof ApiError && err.code === 'INVALID_CREDENTIALS' ? t('errors.WRONG_CURRENT_PASSWORD') : err,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      <h2>{t('account.profile')}</h2>
      <dl className="facts">
        <dt>{t('users.colUsername')}</dt>
        <dd className="mono">{user.username}</dd>
        <dt>{t('users.colName')}</dt>
        <dd>{user.displayName}</dd>
        <dt>{t('users.colRole')}</dt>
        <dd>
          {t(`roles.${user.role}`)}
          {user.admin ? `・${t('roles.admin')}` : ''}
        </dd>
      </dl>
      <h2>{t('account.changePassword')}</h2>
      <form onSubmit={submit} className="form form-narrow" noValidate>
        <Field label={t('account.current')}>
          {({ id }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('account.next')} hint={t('account.nextHint')}>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('account.confirm')}>
          {({ id }) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          )}
        </Field>
        <ErrorMessage error={error} testId="password-error" />
        {done ? <StatusMessage testId="password-done">{t('account.done')}</StatusMessage> : null}
        <button type="submit" className="button button-primary" disabled={busy || !current || !next || !confirm}>
          {t('account.submit')}
        </button>
      </form>
    </section>
  );
}
