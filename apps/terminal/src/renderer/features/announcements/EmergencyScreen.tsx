/**
 * The emergency takeover: red, full screen, over everything (a call is held meanwhile). Alarm,
 * then the text read three times (or the clip played), then a reminder at intervals until the
 * resident taps the one big button (or, for a safety check, one of the two answers).
 */
import type { SafetyAnswer, TerminalAnnouncement } from '@tsunagu/protocol';
import {
  AnnouncementCard,
  announcementText,
  BigButton,
  EmergencyFrame,
  LOCALE_TAGS,
  playTone,
  speak,
  type UiLanguage,
} from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { inbox } from './inbox';
import { outbox } from './receipts';
import { readAloud, stopClip, stopSpeaking } from './voice';

export const EMERGENCY_READINGS = 3;
export const REMINDER_INTERVAL_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function EmergencyScreen({
  announcement,
  language,
}: {
  announcement: TerminalAnnouncement;
  language: UiLanguage;
}): ReactElement {
  const { t } = useTranslation();
  const connection = useConnection();
  const cancelled = useRef(false);
  const { title, body } = announcementText(announcement, language);
  // A drill says so first and last, as J-ALERT's tests do, so nobody mistakes it for the real thing.
  const drill = announcement.test ? t('announcements.drillSpoken') : '';
  const spoken = `${drill}${t('announcements.emergencySpoken', { title, body })}${drill ? `。${drill}` : ''}`;

  useEffect(() => {
    cancelled.current = false;
    let reminder: ReturnType<typeof setInterval> | undefined;
    void (async () => {
      playTone('alarm', 0.4);
      await sleep(2200);
      for (let i = 0; i < EMERGENCY_READINGS && !cancelled.current; i++) {
        await readAloud(announcement, spoken, language, () => cancelled.current);
        await sleep(800);
      }
      if (cancelled.current) return;
      if (connection) void outbox.send(connection.socket, { announcementId: announcement.id, stage: 'played' });
      // Until someone answers: the alarm again, and what to do.
      reminder = setInterval(() => {
        playTone('alarm', 0.4);
        setTimeout(() => {
          if (!cancelled.current)
            void speak(`${drill}${t('announcements.emergencyReminder')}`, LOCALE_TAGS[language]).catch(() => undefined);
        }, 2200);
      }, REMINDER_INTERVAL_MS);
    })();
    return () => {
      cancelled.current = true;
      clearInterval(reminder);
      stopSpeaking();
      stopClip();
    };
  }, [announcement, spoken, drill, language, connection, t]);

  const answer = (stage: 'acknowledged' | 'answered', value?: SafetyAnswer) => {
    cancelled.current = true;
    stopSpeaking();
    stopClip();
    inbox.acknowledge(announcement.id, value ?? null);
    playTone('success');
    const said =
      value === 'safe'
        ? t('announcements.answeredSafe')
        : value === 'need_help'
          ? t('announcements.answeredNeedHelp')
          : t('announcements.acknowledgedNote');
    setTimeout(() => void speak(said, LOCALE_TAGS[language]).catch(() => undefined), 500);
    if (connection)
      void outbox.send(connection.socket, {
        announcementId: announcement.id,
        stage,
        ...(value ? { answer: value } : {}),
      });
  };

  return (
    <EmergencyFrame
      title={announcement.test ? t('announcements.emergencyDrillTitle') : t('announcements.emergencyTitle')}
      testId="emergency-screen"
      announcementId={announcement.id}
      actions={
        announcement.safetyCheck ? (
          <>
            <BigButton
              icon="heart"
              label={t('announcements.safe')}
              variant="positive"
              onPress={() => answer('answered', 'safe')}
              testId="emergency-safe"
            />
            <BigButton
              icon="phone"
              label={t('announcements.needHelp')}
              variant="neutral"
              onPress={() => answer('answered', 'need_help')}
              testId="emergency-need-help"
            />
          </>
        ) : (
          <BigButton
            icon="check"
            label={t('announcements.acknowledge')}
            variant="neutral"
            onPress={() => answer('acknowledged')}
            testId="emergency-acknowledge"
          />
        )
      }
    >
      <AnnouncementCard announcement={announcement} language={language} emergencyScreen />
      {announcement.safetyCheck ? <p className="ts-text ts-text--large">{t('announcements.safetyQuestion')}</p> : null}
    </EmergencyFrame>
  );
}
