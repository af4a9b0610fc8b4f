/**
 * The emergency takeover: red, full screen, over everything (a call is held meanwhile). On the
 * sound channel at the emergency level (an alerting system's above the city's own): the alarm,
 * then the hub's voice clip (or the terminal's own speech) three times, then a reminder at
 * intervals until the resident taps the one big button (or, for a safety check, one of the two
 * answers). Nothing of lower importance can cut it. A drill says so, first and last.
 */
import type { SafetyAnswer, TerminalAnnouncement } from '@tsunagu/protocol';
import { AnnouncementCard, announcementText, EmergencyFrame, type UiLanguage } from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { clipOrSpeech, pause, say, tone } from '../../sound/players';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';
import { AnswerButtons, useAnswer } from './answer';
import { alarmOf, emergencyLevel } from './level';

export const EMERGENCY_READINGS = 3;
export const REMINDER_INTERVAL_MS = 60_000;
/** The alarm at this gain: the system volume itself is raised to full for the alert. */
const ALARM_GAIN = 0.8;

export function EmergencyScreen({
  announcement,
  language,
  onAnswered,
}: {
  announcement: TerminalAnnouncement;
  language: UiLanguage;
  /** Told once the resident has answered (the safety check's answer, if any). */
  onAnswered?: (answer: SafetyAnswer | null) => void;
}): ReactElement {
  const { t } = useTranslation();
  const connection = useConnection();
  const { receipts, clips } = useTerminalState();
  const { arbiter } = useSound();
  const { title, body } = announcementText(announcement, language);
  // A drill says so first and last, as J-ALERT's tests do, so nobody mistakes it for the real thing.
  const drill = announcement.test ? t('announcements.drillSpoken') : '';
  const spoken = `${drill}${t('announcements.emergencySpoken', { title, body })}${drill ? `。${drill}` : ''}`;
  const answered = useRef(false);
  const readingKey = `emergency:${announcement.id}:${announcement.version}`;
  const reminderKey = `emergency-reminder:${announcement.id}`;

  useEffect(() => {
    const level = emergencyLevel(announcement);
    void arbiter
      .play({
        level,
        key: readingKey,
        play: async (signal) => {
          await tone(alarmOf(announcement), signal, ALARM_GAIN);
          for (let i = 0; i < EMERGENCY_READINGS && !signal.aborted; i++) {
            // Asked again for each reading: an automatic alert may be sent before its clip is made.
            await clipOrSpeech(await clips.url(announcement, language), spoken, language, signal);
            await pause(800, signal);
          }
        },
      })
      .then((outcome) => {
        if (outcome === 'played' && connection)
          void receipts.send(connection.socket, { announcementId: announcement.id, stage: 'played' });
      });
    // Until someone answers: the alarm again, and what to do.
    const reminder = setInterval(() => {
      void arbiter.play({
        level,
        key: reminderKey,
        play: async (signal) => {
          await tone(alarmOf(announcement), signal, ALARM_GAIN);
          await say(`${drill}${t('announcements.emergencyReminder')}`, language, signal);
        },
      });
    }, REMINDER_INTERVAL_MS);
    return () => {
      clearInterval(reminder);
      arbiter.cancel(readingKey);
      arbiter.cancel(reminderKey);
    };
  }, [announcement, spoken, drill, language, connection, t, arbiter, clips, receipts, readingKey, reminderKey]);

  const sendAnswer = useAnswer('important');
  const answer = (value: SafetyAnswer | null) => {
    if (answered.current) return;
    answered.current = true;
    arbiter.cancel(readingKey);
    arbiter.cancel(reminderKey);
    sendAnswer(announcement, value);
    onAnswered?.(value ?? null);
  };

  return (
    <EmergencyFrame
      title={announcement.test ? t('announcements.emergencyDrillTitle') : t('announcements.emergencyTitle')}
      testId="emergency-screen"
      announcementId={announcement.id}
      actions={<AnswerButtons safetyCheck={announcement.safetyCheck} onAnswer={answer} emergency />}
    >
      <AnnouncementCard announcement={announcement} language={language} emergencyScreen />
      {announcement.safetyCheck ? <p className="ts-text ts-text--large">{t('announcements.safetyQuestion')}</p> : null}
    </EmergencyFrame>
  );
}
