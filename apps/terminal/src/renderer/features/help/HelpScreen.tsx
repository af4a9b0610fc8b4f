// 助けて (issue 16): a confirmation screen guards it (no long press); once sent, the resident hears
// that help has been asked for, and later who has seen it.

import type { HelpStatus } from '@tsunagu/protocol';
import { Screen } from '@tsunagu/ui';
import { type ReactElement, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection, useSocketEvent } from '../../connection';
import { LargeBackButton } from '../../shell/BackButton';
import { ActionOrBack } from '../../shell/Choices';
import { Message } from '../../shell/Message';
import { useSound } from '../../sound/SoundContext';

const SEND_TIMEOUT_MS = 8_000;

export function HelpScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  const { announce } = useSound();
  const connection = useConnection();
  const [status, setStatus] = useState<HelpStatus | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  useSocketEvent('help:statusChanged', (s) => {
    setStatus(s);
    if (s.seenBy) announce({ text: t('help.seenSpoken', { name: s.seenBy }), tone: 'success' });
  });

  const send = async () => {
    if (!connection || busy) return;
    setBusy(true);
    const r = await ackWithTimeout(connection.socket, 'help:request', {}, SEND_TIMEOUT_MS).catch(() => null);
    setBusy(false);
    if (r?.ok) {
      setFailed(false);
      setStatus(r.data);
      announce({ text: t('help.sentSpoken'), tone: 'success' });
    } else {
      setFailed(true);
      announce({ text: t('help.failed'), tone: 'error' });
    }
  };

  if (status) {
    return (
      <Screen title={t('help.sentTitle')} testId="help-sent-screen">
        <Message icon="phone" role="status" text={t('help.sent')}>
          {status.seenBy ? (
            <p className="ts-text ts-text--large" data-testid="help-seen">
              {t('help.seen', { name: status.seenBy })}
            </p>
          ) : null}
        </Message>
        <LargeBackButton onBack={onBack} label={t('checkin.home')} />
      </Screen>
    );
  }

  return (
    <Screen title={t('help.title')} testId="help-screen">
      <p className="ts-text ts-text--large">{failed ? t('help.failed') : t('help.prompt')}</p>
      <ActionOrBack
        action={{
          icon: 'phone',
          label: t('help.confirm'),
          variant: 'danger',
          onPress: () => void send(),
          disabled: busy,
          testId: 'help-confirm',
        }}
        onBack={onBack}
      />
    </Screen>
  );
}
