/** Every signed-in person: who they are signed in as, their password, two-factor sign-in and who read their records. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useSession } from '../../session';
import { TextField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, StatusMessage, useAction } from '../../shell/ui';
import { TwoFactorSection } from './TwoFactorSection';

export function AccountPage() {
  const { t } = useTranslation();
  const { api, user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next.length < 10) return action.setError(t('account.tooShort'));
    if (next !== confirm) return action.setError(t('account.mismatch'));
    void action.run(async () => {
      try {
        await api.changePassword(current, next);
      } catch (err) {
        // On this form INVALID_CREDENTIALS means the current password was wrong, not the sign-in.
        throw err instanceof ApiError && err.code === 'INVALID_CREDENTIALS' ? t('errors.WRONG_CURRENT_PASSWORD') : err;
      }
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    });
  };

  return (
    <Page id="account" title={t('account.title')}>
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
        <TextField
          label={t('account.current')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
        />
        <TextField
          label={t('account.next')}
          hint={t('account.nextHint')}
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          value={next}
          onChange={setNext}
        />
        <TextField
          label={t('account.confirm')}
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={setConfirm}
        />
        <ErrorMessage error={action.error} testId="password-error" />
        {done ? <StatusMessage testId="password-done">{t('account.done')}</StatusMessage> : null}
        <button type="submit" className="button button-primary" disabled={action.busy || !current || !next || !confirm}>
          {t('account.submit')}
        </button>
      </form>
      <TwoFactorSection />
    </Page>
  );
}
