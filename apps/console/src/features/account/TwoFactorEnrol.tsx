/**
 * Setting up two-factor sign-in: scan the QR code the hub drew (or type the key), type the app's
 * first code, then keep the recovery codes. Used on the account page and, for city hall staff who
 * must have it, right after signing in.
 */
import type { TwoFactorSetup } from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../../api/client';
import { CodeField } from '../../shell/form';
import { Button, ErrorMessage, useAction } from '../../shell/ui';

/** The QR code as an image: the hub's SVG in a data: URL (no script can run in an <img>). */
const svgImage = (svg: string) => `data:image/svg+xml;base64,${btoa(svg)}`;

/** "ABCD EFGH …": a secret typed by hand is easier to read in groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function TwoFactorEnrol(props: { api: ApiClient; onEnabled(): void }) {
  const { t } = useTranslation();
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();

  const start = () => run(async () => setSetup(await props.api.call('POST /api/auth/two-factor/setup')));

  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        const r = await props.api.call('POST /api/auth/two-factor/confirm', { body: { code: code.trim() } });
        setCodes(r.recoveryCodes);
      } catch (err) {
        setCode('');
        throw err;
      }
    });
  };

  if (codes) return <RecoveryCodeList codes={codes} onDone={props.onEnabled} />;
  if (!setup)
    return (
      <div>
        <ErrorMessage error={error} testId="two-factor-error" />
        <Button look="primary" onClick={() => void start()} disabled={busy} testId="two-factor-start">
          {t('twoFactor.start')}
        </Button>
      </div>
    );
  return (
    <div className="two-factor-setup" data-testid="two-factor-setup">
      <p>{t('twoFactor.step1')}</p>
      <img
        className="qr-code"
        src={svgImage(setup.qrSvg)}
        alt={t('twoFactor.qrAlt')}
        width={200}
        height={200}
        data-testid="two-factor-qr"
      />
      <p>
        {t('twoFactor.manual')}{' '}
        <code className="mono secret" data-testid="two-factor-secret">
          {grouped(setup.secret)}
        </code>
      </p>
      <form onSubmit={confirm} className="form form-narrow" noValidate>
        <CodeField
          label={t('twoFactor.code')}
          hint={t('twoFactor.step2')}
          required
          value={code}
          onChange={setCode}
          data-testid="two-factor-code"
        />
        <ErrorMessage error={error} testId="two-factor-error" />
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || code.length !== 6}
          data-testid="two-factor-confirm"
        >
          {t('twoFactor.confirm')}
        </button>
      </form>
    </div>
  );
}

/** Recovery codes, shown once: the person prints or copies them before going on. */
export function RecoveryCodeList(props: { codes: string[]; onDone(): void }) {
  const { t } = useTranslation();
  return (
    <div className="recovery-codes" data-testid="recovery-codes">
      <h3>{t('twoFactor.recoveryTitle')}</h3>
      <p>{t('twoFactor.recoveryIntro')}</p>
      <ol className="mono">
        {props.codes.map((c) => (
          <li key={c} data-testid="recovery-code">
            {c}
          </li>
        ))}
      </ol>
      <div className="actions">
        <Button onClick={() => window.print()}>{t('twoFactor.print')}</Button>
        <Button look="primary" onClick={props.onDone} testId="recovery-done">
          {t('twoFactor.recoveryDone')}
        </Button>
      </div>
    </div>
  );
}
