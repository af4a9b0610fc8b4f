/**
 * Recent announcements, newest first, one at a time in big type: listen again (voice clip or
 * speech), previous/next, and 確認しました or the two safety answers. At most six buttons.
 */
import type { SafetyAnswer, TerminalAnnouncement } from '@tsunagu/protocol';
import {
  AnnouncementCard,
  announcementText,
  BigButton,
  isUiLanguage,
  LOCALE_TAGS,
  Screen,
  usePagedOverflow,
} from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { BackButton } from '../../shell/BackButton';
import { Message } from '../../shell/Message';
import { clipOrSpeech, pause } from '../../sound/players';
import { useSound } from '../../sound/SoundContext';
import { useAnnouncements, useTerminalState } from '../../state/TerminalState';
import { AnswerButtons, useAnswer } from './answer';

const READING_KEY = 'announcement-reading';

export function AnnouncementsScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t, i18n } = useTranslation();
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';
  const connection = useConnection();
  const { inbox, receipts, clips } = useTerminalState();
  const { arbiter } = useSound();
  const list = useAnnouncements();
  // Read to the end in this visit (one `played` receipt each).
  const playedReported = useRef(new Set<string>()).current;
  const [index, setIndex] = useState(0);
  const [reading, setReading] = useState(0);
  const first = useRef(true);
  const current: TerminalAnnouncement | undefined = list[Math.min(index, Math.max(0, list.length - 1))];
  // Text too long for the screen: つぎへ first turns its pages (つづき 1/3), then goes to the next
  // announcement — one button, so a safety check still has at most six.
  const bodyRef = useRef<HTMLParagraphElement>(null);
  const body = usePagedOverflow(bodyRef, 'text', current ? `${current.id}:${language}` : null);
  const morePages = body.page + 1 < body.pages;

  useEffect(() => {
    if (current) inbox.markRead(current);
  }, [current, inbox]);

  // Read the shown announcement aloud (the hub's clip, kept on the terminal, or its own speech):
  // on arrival (after the screen's own spoken title) and on request. It waits for anything more
  // important on the sound channel, and a newer screen cue does not cut it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read when the page or the replay counter changes
  useEffect(() => {
    if (!current) return;
    const delay = first.current ? 2200 : 300;
    first.current = false;
    const { title, body } = announcementText(current, language);
    void arbiter
      .play({
        level: 'important',
        key: READING_KEY,
        interrupted: 'drop',
        play: async (signal) => {
          await pause(delay, signal);
          if (signal.aborted) return;
          await clipOrSpeech(await clips.url(current, language), `${title}。${body}`, language, signal);
        },
      })
      .then((outcome) => {
        const key = `${current.id}:${current.version}`;
        if (outcome !== 'played' || playedReported.has(key)) return;
        playedReported.add(key);
        const receipt = { announcementId: current.id, stage: 'played' as const };
        if (connection) void receipts.send(connection.socket, receipt);
        else receipts.add(receipt);
      });
    return () => arbiter.cancel(READING_KEY);
  }, [current?.id, current?.version, reading, language]);

  const sendAnswer = useAnswer();
  const answer = (a: TerminalAnnouncement, value: SafetyAnswer | null) => {
    arbiter.cancel(READING_KEY);
    sendAnswer(a, value);
  };

  const position = current ? t('announcements.position', { index: index + 1, total: list.length }) : null;
  return (
    <Screen
      title={t('announcements.title')}
      back={<BackButton onBack={onBack} />}
      aside={position ? <span className="ts-ann-page__position">{position}</span> : undefined}
      testId="announcements-screen"
    >
      {!current ? (
        <Message icon="bell" text={t('announcements.empty')} />
      ) : (
        <div className="ts-ann-page" data-testid="announcement-current" data-announcement={current.id}>
          <AnnouncementCard
            announcement={current}
            language={language}
            bodyRef={bodyRef}
            time={
              current.publishedAt
                ? new Intl.DateTimeFormat(LOCALE_TAGS[language], {
                    month: 'long',
                    day: 'numeric',
                    hour: 'numeric',
                    minute: '2-digit',
                    timeZone: 'Asia/Tokyo',
                  }).format(new Date(current.publishedAt))
                : undefined
            }
          />
          {current.safetyCheck && current.safetyAnswer ? (
            <p className="ts-ann-page__status ts-panel ts-panel--notice" role="status">
              {current.safetyAnswer === 'safe' ? t('announcements.answeredSafe') : t('announcements.answeredNeedHelp')}
            </p>
          ) : current.safetyCheck ? (
            <p className="ts-ann-page__status">{t('announcements.safetyQuestion')}</p>
          ) : current.acknowledged ? (
            <p className="ts-ann-page__status" role="status">
              {t('announcements.acknowledgedNote')}
            </p>
          ) : null}
          <div className="ts-ann-actions">
            <BigButton
              icon="back"
              label={t('announcements.previous')}
              variant="neutral"
              onPress={() => setIndex((i) => Math.max(0, i - 1))}
              disabled={index === 0}
              testId="announcement-previous"
            />
            <BigButton
              icon={morePages ? 'down' : 'next'}
              label={
                morePages
                  ? t('announcements.morePage', { page: body.page + 1, pages: body.pages })
                  : t('announcements.next')
              }
              variant="neutral"
              onPress={() => (morePages ? body.advance() : setIndex((i) => Math.min(list.length - 1, i + 1)))}
              disabled={!morePages && index >= list.length - 1}
              testId="announcement-next"
            />
            <BigButton
              icon="replay"
              label={t('announcements.replay')}
              onPress={() => setReading((n) => n + 1)}
              testId="announcement-replay"
            />
            {(current.safetyCheck ? !current.safetyAnswer : !current.acknowledged) ? (
              <AnswerButtons safetyCheck={current.safetyCheck} onAnswer={(value) => answer(current, value)} />
            ) : null}
          </div>
        </div>
      )}
    </Screen>
  );
}
