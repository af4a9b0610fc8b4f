// 元気です: one big button; then, if the resident likes, three faces; a spoken thank-you either way.

import type { CheckinStatus, CheckinSubmit, Mood } from '@tsunagu/protocol';
import { BigButton, ButtonGrid, columnsFor, Screen } from '@tsunagu/ui';
import { type ReactElement, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection } from '../../connection';
import { LargeBackButton } from '../../shell/BackButton';
import { ActionOrBack } from '../../shell/Choices';
import { Message } from '../../shell/Message';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';
import { Face } from './faces';
import { newIdempotencyKey } from './queue';

const SEND_TIMEOUT_MS = 8_000;
/**
 * How long a press waits for the first connection of a start (home drawn from the remembered
 * profile, the hub not answered yet) before it is kept for later instead, as when offline.
 */
export const FIRST_CONNECTION_WAIT_MS = 3_000;

type Step =
  | { name: 'ask' }
  | { name: 'mood'; entry: CheckinSubmit; delivered: boolean }
  | { name: 'done'; delivered: boolean };

const MOODS: {
  mood: Mood;
  key: 'checkin.moodGood' | 'checkin.moodSoSo' | 'checkin.moodNotGood';
  variant: 'positive' | 'primary' | 'danger';
}[] = [
  { mood: 'good', key: 'checkin.moodGood', variant: 'positive' },
  { mood: 'so_so', key: 'checkin.moodSoSo', variant: 'primary' },
  { mood: 'not_good', key: 'checkin.moodNotGood', variant: 'danger' },
];

export function CheckinScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  const { announce } = useSound();
  const connection = useConnection();
  const { checkins: checkinQueue, reminder } = useTerminalState();
  const [step, setStep] = useState<Step>({ name: 'ask' });
  const [status, setStatus] = useState<CheckinStatus | null>(null);
  // Pressed while the start's first connection is still being made: said on screen, button held.
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!connection) return;
    // Asked once connected (at once, or when the start's first connection comes).
    let live = true;
    void connection.whenConnected(SEND_TIMEOUT_MS).then(async (connected) => {
      if (!connected || !live) return;
      const r = await ackWithTimeout(connection.socket, 'checkin:status', {}, SEND_TIMEOUT_MS);
      if (r.ok && live) setStatus(r.data);
    });
    return () => {
      live = false;
    };
  }, [connection]);

  const send = useCallback(async (): Promise<boolean> => {
    if (!connection) return false;
    await connection.whenConnected(FIRST_CONNECTION_WAIT_MS);
    const before = checkinQueue.pending().length;
    await checkinQueue.flush((e) => ackWithTimeout(connection.socket, 'checkin:submit', e, SEND_TIMEOUT_MS));
    return before > 0 && checkinQueue.pending().length === 0;
  }, [connection, checkinQueue]);

  const press = useCallback(async () => {
    // Kept before it is sent: if the answer never comes, it goes again on the next connection.
    const entry: CheckinSubmit = { idempotencyKey: newIdempotencyKey(), pressedAt: new Date().toISOString() };
    checkinQueue.add(entry);
    reminder.set(null);
    if (connection && !connection.socket.connected) setWaiting(true);
    const delivered = await send();
    setWaiting(false);
    announce({
      text: delivered ? t('checkin.moodSpoken') : t('checkin.queuedSpoken'),
      tone: delivered ? 'success' : 'chime',
    });
    setStep({ name: 'mood', entry, delivered });
  }, [send, t, checkinQueue.add, reminder, announce, connection]);

  const chooseMood = useCallback(
    async (entry: CheckinSubmit, mood: Mood | null) => {
      let delivered = true;
      if (mood) {
        checkinQueue.setMood(entry.idempotencyKey, entry.pressedAt, mood);
        delivered = await send();
      } else if (checkinQueue.pending().length > 0) delivered = false;
      announce({ text: delivered ? t('checkin.thanksSpoken') : t('checkin.queuedSpoken'), tone: 'success' });
      setStep({ name: 'done', delivered });
    },
    [send, t, checkinQueue.setMood, checkinQueue.pending, announce],
  );

  const message = useMemo(
    () => (waiting ? t('offline.waitingBody') : status?.checkedIn ? t('checkin.alreadyToday') : t('checkin.prompt')),
    [waiting, status, t],
  );

  if (step.name === 'mood') {
    return (
      <Screen title={t('checkin.moodTitle')} testId="checkin-mood-screen">
        {!step.delivered ? (
          <p className="ts-text" role="status">
            {t('checkin.queued')}
          </p>
        ) : null}
        <ButtonGrid columns={columnsFor(MOODS.length + 1)}>
          {MOODS.map(({ mood, key, variant }) => (
            <button
              key={mood}
              type="button"
              className={`ts-button ts-button--${variant}`}
              onClick={() => void chooseMood(step.entry, mood)}
              data-testid={`checkin-mood-${mood}`}
            >
              <Face mood={mood} className="ts-button__icon" />
              <span>{t(key)}</span>
            </button>
          ))}
          <BigButton
            icon="next"
            label={t('checkin.moodSkip')}
            variant="neutral"
            onPress={() => void chooseMood(step.entry, null)}
            testId="checkin-mood-skip"
          />
        </ButtonGrid>
      </Screen>
    );
  }

  if (step.name === 'done') {
    return (
      <Screen title={t('checkin.thanksTitle')} testId="checkin-done-screen">
        <Message icon="heart" role="status" text={step.delivered ? t('checkin.thanks') : t('checkin.queued')} />
        <LargeBackButton onBack={onBack} label={t('checkin.home')} />
      </Screen>
    );
  }

  return (
    <Screen title={t('checkin.title')} testId="checkin-screen">
      <p className="ts-text ts-text--large" data-testid="checkin-message">
        {message}
      </p>
      <ActionOrBack
        action={{
          icon: 'heart',
          label: t('checkin.button'),
          variant: 'positive',
          onPress: () => void press(),
          disabled: waiting,
          testId: 'checkin-press',
        }}
        onBack={onBack}
      />
    </Screen>
  );
}
