/** The account page's two-factor sign-in: whether it is on, setting it up, new recovery codes, turning it off. */
import type { TwoFactorState } from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useSession } from '../../session';
import { CodeField, TextField, useFormFields } from '../../shell/form';
import { Button, ErrorMessage, LoadState, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { RecoveryCodeList, TwoFactorEnrol } from './TwoFactorEnrol';

export function TwoFactorSection() {
  const { t } = useTranslation();
  const { api } = useSession();
  const state = useLoad(async () => (await api.call('GET /api/auth/session')).twoFactor, []);
  const [status, setStatus] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const reload = (message: string) => {
    setEnrolling(false);
    setStatus(message);
    state.reload();
  };

  return (
    <section aria-labelledby="two-factor-title" data-testid="two-factor-section">
      <h2 id="two-factor-title">{t('twoFactor.title')}</h2>
      <p>{t('twoFactor.intro')}</p>
      <StatusMessage testId="two-factor-status">{status}</StatusMessage>
      <LoadState state={state}>
        {state.data ? (
          <>
            <p data-testid="two-factor-state">
              {state.data.enabled
                ? t('twoFactor.statusOn', { count: state.data.recoveryCodesLeft })
                : t('twoFactor.statusOff')}
            </p>
            {state.data.enabled ? (
              <EnabledActions state={state.data} onChanged={reload} />
            ) : enrolling ? (
              <TwoFactorEnrol api={api} onEnabled={() => reload(t('twoFactor.enabledDone'))} />
            ) : (
              <Button look="primary" onClick={() => setEnrolling(true)} testId="two-factor-enable">
                {t('twoFactor.enable')}
              </Button>
            )}
          </>
        ) : null}
      </LoadState>
    </section>
  );
}

function EnabledActions(props: { state: TwoFactorState; onChanged(message: string): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { values, set, field } = useFormFields({ code: '', password: '' });
  const { code, password } = values;
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error: failure, run } = useAction();
  // On this form INVALID_CREDENTIALS means the password typed here, not the sign-in.
  const error =
    failure instanceof ApiError && failure.code === 'INVALID_CREDENTIALS'
      ? t('errors.WRONG_CURRENT_PASSWORD')
      : failure;
  const renew = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setCodes((await api.call('POST /api/auth/two-factor/recovery-codes', { body: { code } })).recoveryCodes);
      set('code', '');
    });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.call('POST /api/auth/two-factor/disable', { body: { password } });
      props.onChanged(t('twoFactor.disabledDone'));
    });
  };

  if (codes) return <RecoveryCodeList codes={codes} onDone={() => props.onChanged(t('twoFactor.renewedDone'))} />;
  return (
    <>
      <form onSubmit={renew} className="form form-narrow" noValidate>
        <h3>{t('twoFactor.renew')}</h3>
        <CodeField
          label={t('twoFactor.code')}
          hint={t('twoFactor.renewHint')}
          {...field('code')}
          data-testid="two-factor-renew-code"
        />
        <button type="submit" className="button" disabled={busy || code.length !== 6} data-testid="two-factor-renew">
          {t('twoFactor.renew')}
        </button>
      </form>
      {props.state.required ? (
        <p className="hint">{t('twoFactor.requiredNote')}</p>
      ) : (
        <form onSubmit={disable} className="form form-narrow" noValidate>
          <h3>{t('twoFactor.disable')}</h3>
          <TextField
            label={t('account.current')}
            hint={t('twoFactor.disableHint')}
            type="password"
            autoComplete="current-password"
            {...field('password')}
          />
          <button
            type="submit"
            className="button button-danger-outline"
            disabled={busy || !password}
            data-testid="two-factor-disable"
          >
            {t('twoFactor.disable')}
          </button>
        </form>
      )}
      <ErrorMessage error={error} testId="two-factor-error" />
    </>
  );
}
