/**
 * Recent announcements, newest first, one at a time in big type: listen again (voice clip or
 * speech), previous/next, and 確認しました or the two safety answers. At most six buttons.
 */
import type { SafetyAnswer, TerminalAnnouncement } from '@tsunagu/protocol';
import {
  AnnouncementCard,
  announcementText,
  BigButton,
  Icon,
  isUiLanguage,
  LOCALE_TAGS,
  playTone,
  Screen,
  speak,
  usePagedOverflow,
} from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { BackButton } from '../../shell/BackButton';
import { inbox } from './inbox';
import { outbox } from './receipts';
import { readAloud, stopClip, stopSpeaking } from './voice';

/** Announcements already read aloud to the end in this session (one `played` receipt each). */
const playedReported = new Set<string>();

export function AnnouncementsScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t, i18n } = useTranslation();
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';
  const connection = useConnection();
  const list = useSyncExternalStore(inbox.subscribe, inbox.getSnapshot);
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
  }, [current]);

  // Read the shown announcement aloud: on arrival (after the screen's own spoken title) and on request.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read when the page or the replay counter changes
  useEffect(() => {
    if (!current) return;
    let cancelled = false;
    const delay = first.current ? 2200 : 300;
    first.current = false;
    const timer = setTimeout(() => {
      const { title, body } = announcementText(current, language);
      void readAloud(current, `${title}。${body}`, language, () => cancelled).then(() => {
        const key = `${current.id}:${current.version}`;
        if (cancelled || playedReported.has(key) || !connection) return;
        playedReported.add(key);
        void outbox.send(connection.socket, { announcementId: current.id, stage: 'played' });
      });
    }, delay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      stopSpeaking();
      stopClip();
    };
  }, [current?.id, current?.version, reading, language]);

  const answer = (a: TerminalAnnouncement, value: SafetyAnswer | null) => {
    inbox.acknowledge(a.id, value);
    playTone('success');
    const said =
      value === 'safe'
        ? t('announcements.answeredSafe')
        : value === 'need_help'
          ? t('announcements.answeredNeedHelp')
          : t('announcements.acknowledgedNote');
    setTimeout(() => void speak(said, LOCALE_TAGS[language]).catch(() => undefined), 400);
    if (connection) {
      void outbox.send(
        connection.socket,
        value
          ? { announcementId: a.id, stage: 'answered', answer: value }
          : { announcementId: a.id, stage: 'acknowledged' },
      );
    }
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
        <div className="tr-message">
          <Icon name="bell" className="tr-message__icon" />
          <p className="ts-text ts-text--large">{t('announcements.empty')}</p>
        </div>
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
            {current.safetyCheck && !current.safetyAnswer ? (
              <>
                <BigButton
                  icon="heart"
                  label={t('announcements.safe')}
                  variant="positive"
                  onPress={() => answer(current, 'safe')}
                  testId="announcement-safe"
                />
                <BigButton
                  icon="phone"
                  label={t('announcements.needHelp')}
                  variant="danger"
                  onPress={() => answer(current, 'need_help')}
                  testId="announcement-need-help"
                />
              </>
            ) : !current.safetyCheck && !current.acknowledged ? (
              <BigButton
                icon="check"
                label={t('announcements.acknowledge')}
                variant="positive"
                onPress={() => answer(current, null)}
                testId="announcement-acknowledge"
              />
            ) : null}
          </div>
        </div>
      )}
    </Screen>
  );
}
