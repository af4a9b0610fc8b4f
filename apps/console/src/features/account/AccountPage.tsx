/** Every signed-in person: who they are signed in as, their password, two-factor sign-in and who read their records. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useSession } from '../../session';
import { TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, StatusMessage, useAction } from '../../shell/ui';
import { TwoFactorSection } from './TwoFactorSection';

export function AccountPage() {
  const { t } = useTranslation();
  const { api, user } = useSession();
  const empty = { current: '', next: '', confirm: '' };
  const form = useFormFields(empty);
  const { current, next, confirm } = form.values;
  const [done, setDone] = useState(false);
  const action = useAction();

  /** Each field is a required password; the new ones ask the browser for a new password (the current one overrides it). */
  const password = (name: keyof typeof empty) =>
    ({ ...form.field(name), type: 'password', autoComplete: 'new-password', required: true }) as const;

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
      form.reset(empty);
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
        <TextField label={t('account.current')} {...password('current')} autoComplete="current-password" />
        <TextField label={t('account.next')} hint={t('account.nextHint')} {...password('next')} minLength={10} />
        <TextField label={t('account.confirm')} {...password('confirm')} />
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
