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
    const spoken = r.test
      ? r.stage === 'deadline'
        ? 'checkin.testDeadlineSpoken'
        : 'checkin.testReminderSpoken'
      : r.stage === 'deadline'
        ? 'checkin.deadlineSpoken'
        : 'checkin.reminderSpoken';
    announce({ text: t(spoken), tone: 'chime' }, 'reminder');
  });
  // City hall's plan test is over: its reminder goes (a real one stays).
  useSocketEvent('checkin:testEnded', () => {
    if (reminder.getSnapshot()?.test) reminder.set(null);
  });
  return null;
}
