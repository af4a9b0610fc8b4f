// First-time setup: the resident (or an installer) types the 8-digit code from city hall.
import { ENROLLMENT_CODE_LENGTH, type EnrollResponse } from '@tsunagu/protocol';
import { applyKey, BigButton, DigitDisplay, Keypad, playTone, Screen } from '@tsunagu/ui';
import { type ReactElement, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Announcement } from '../../sound/SoundContext';
import { type EnrollFailure, enroll, isCompleteCode } from './enroll';

type Message = { kind: 'error'; failure: EnrollFailure } | { kind: 'incomplete' } | { kind: 'busy' } | null;

export interface EnrollmentScreenProps {
  hubBase: string;
  phone: string | null;
  /** A code pre-entered by the installer (kiosk only), submitted once automatically. */
  presetCode?: string | null;
  onEnrolled: (result: EnrollResponse) => Promise<void>;
  announce: (a: Announcement) => void;
}

export function EnrollmentScreen({
  hubBase,
  phone,
  presetCode,
  onEnrolled,
  announce,
}: EnrollmentScreenProps): ReactElement {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<Message>(null);
  const busy = message?.kind === 'busy';
  const helpLine = phone ? t('common.callCityHall', { context: 'withPhone', phone }) : t('common.callCityHall');

  const submit = useCallback(
    async (value: string) => {
      if (!isCompleteCode(value)) {
        setMessage({ kind: 'incomplete' });
        announce({ text: t('enrollment.incomplete'), tone: 'error' });
        return;
      }
      setMessage({ kind: 'busy' });
      const outcome = await enroll(hubBase, value);
      if (outcome.ok) {
        announce({ text: t('enrollment.success'), tone: 'success' });
        await onEnrolled(outcome.data);
        return;
      }
      setMessage({ kind: 'error', failure: outcome.failure });
      const advice =
        outcome.failure === 'invalid'
          ? `${t('enrollment.errors.invalid')} ${helpLine}`
          : t(`enrollment.errors.${outcome.failure}`);
      announce({ text: advice, tone: 'error' });
      // A code that cannot work (wrong, used, expired) is cleared so the next one is typed afresh;
      // a network or busy error keeps it for a simple retry.
      if (outcome.failure === 'invalid' || outcome.failure === 'used' || outcome.failure === 'expired') setCode('');
    },
    [hubBase, onEnrolled, announce, t, helpLine],
  );

  const presetUsed = useRef(false);
  useEffect(() => {
    if (presetCode && !presetUsed.current && isCompleteCode(presetCode)) {
      presetUsed.current = true;
      setCode(presetCode);
      void submit(presetCode);
    }
  }, [presetCode, submit]);

  const press = (key: string) => {
    playTone('tap');
    setCode((c) => applyKey(c, key, ENROLLMENT_CODE_LENGTH));
    // Typing a new code puts the last message away (the boxes were cleared after an error).
    if (message && message.kind !== 'busy') setMessage(null);
  };

  let status: ReactElement | null = null;
  if (message?.kind === 'error') {
    status = (
      <div className="ts-panel ts-panel--error" role="alert" data-testid="enroll-error">
        <p className="tr-panel-line">{t(`enrollment.errors.${message.failure}`)}</p>
        {message.failure === 'invalid' ? <p className="tr-panel-line">{helpLine}</p> : null}
      </div>
    );
  } else if (message?.kind === 'incomplete') {
    status = (
      <div className="ts-panel ts-panel--error" role="alert" data-testid="enroll-error">
        <p className="tr-panel-line">{t('enrollment.incomplete')}</p>
      </div>
    );
  } else if (busy) {
    status = (
      <div className="ts-panel ts-panel--notice" role="status">
        <p className="tr-panel-line">{t('enrollment.connecting')}</p>
      </div>
    );
  }

  return (
    <Screen title={t('enrollment.title')} testId="enrollment-screen">
      <div className="tr-enroll">
        <div className="tr-enroll__left">
          {status ?? <p className="ts-text">{t('enrollment.instruction')}</p>}
          <DigitDisplay
            value={code}
            length={ENROLLMENT_CODE_LENGTH}
            label={t('enrollment.codeProgress', { count: ENROLLMENT_CODE_LENGTH, entered: code.length })}
          />
          <BigButton
            icon="connect"
            label={t('enrollment.connect')}
            variant="positive"
            onPress={() => void submit(code)}
            disabled={busy}
            className="tr-enroll__connect"
            testId="enroll-connect"
          />
        </div>
        <div className="tr-enroll__right">
          <Keypad
            onDigit={press}
            onDelete={() => press('delete')}
            deleteLabel={t('enrollment.delete')}
            disabled={busy}
            label={t('enrollment.codeLabel')}
          />
        </div>
      </div>
    </Screen>
  );
}
