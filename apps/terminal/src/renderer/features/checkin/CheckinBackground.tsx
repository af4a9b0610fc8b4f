// Always mounted while enrolled: sends kept check-ins when the hub is back, and voices reminders.
import type { CheckinReminder } from '@tsunagu/protocol';
import { type ReactElement, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection, useSocketEvent } from '../../connection';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';

export function CheckinBackground(): ReactElement | null {
  const { t } = useTranslation();
  const { announce } = useSound();
  const connection = useConnection();
  const { checkins, reminder } = useTerminalState();

  useEffect(() => {
    if (!connection) return;
    const socket = connection.socket;
    const flush = () => void checkins.flush((e) => ackWithTimeout(socket, 'checkin:submit', e, 8_000));
    if (socket.connected) flush();
    socket.on('connect', flush);
    return () => {
      socket.off('connect', flush);
    };
  }, [connection, checkins]);

  useSocketEvent('checkin:reminder', (r: CheckinReminder) => {
    reminder.set(r);
    announce(
      { text: r.stage === 'deadline' ? t('checkin.deadlineSpoken') : t('checkin.reminderSpoken'), tone: 'chime' },
      'reminder',
    );
  });
  return null;
}
