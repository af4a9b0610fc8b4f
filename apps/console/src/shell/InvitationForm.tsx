/**
 * A new watcher sets their own password with city hall's one-time invitation code (city hall never
 * knows it), then signs in as usual.
 */
import type { InvitationAccepted } from '@tsunagu/protocol';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client';
import { TextField, useFormFields } from './form';
import { Button, ErrorMessage, useAction } from './ui';

export function InvitationForm(props: {
  api: ApiClient;
  onDone(accepted: InvitationAccepted): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const { values, field } = useFormFields({ invitationCode: '', newPassword: '' });
  const { invitationCode: code, newPassword: password } = values;
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () =>
      props.onDone(
        await props.api.call('POST /api/auth/invitation', {
          // People copy it with spaces or full-width dashes; the hub takes letters with or without "-".
          body: {
            code: code
              .normalize('NFKC')
              .replace(/[\s\u30fc\u2010-\u2015]/g, '')
              .replace(/-/g, ''),
            password,
          },
        }),
      ),
    );
  };
  return (
    <form onSubmit={submit} noValidate data-testid="invitation-form">
      <h2>{t('login.invitationTitle')}</h2>
      <p>{t('login.invitationIntro')}</p>
      <TextField
        label={t('login.invitationCode')}
        {...field('invitationCode')}
        autoComplete="one-time-code"
        autoCapitalize="characters"
        spellCheck={false}
        required
      />
      <TextField
        label={t('login.newPassword')}
        type="password"
        autoComplete="new-password"
        {...field('newPassword')}
        required
        minLength={10}
      />
      <ErrorMessage error={error} testId="invitation-error" />
      <button
        type="submit"
        className="button button-primary button-wide"
        disabled={busy || code.trim() === '' || password.length < 10}
        data-testid="invitation-submit"
      >
        {t('login.invitationSubmit')}
      </button>
      <Button size="wide" onClick={props.onCancel}>
        {t('login.backToLogin')}
      </Button>
    </form>
  );
}
