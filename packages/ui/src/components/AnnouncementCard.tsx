/**
 * One announcement as the terminal shows it: kind, drill banner, headline and text in big type.
 * Shared so the console's preview is exactly what residents will see.
 */
import { type ReactElement, type ReactNode, type RefObject, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { palette as p } from '../theme/palette';
import { BigButton } from './BigButton';
import { Icon } from './Icon';
import { usePagedOverflow } from './usePagedOverflow';

export interface AnnouncementCardData {
  kind: 'emergency' | 'important' | 'routine';
  test: boolean;
  titleJa: string;
  bodyJa: string;
  titleEn: string | null;
  bodyEn: string | null;
  publishedAt: string | null;
}

/** The text in the household's language: English only when there is an English version. */
export function announcementText(a: AnnouncementCardData, language: string): { title: string; body: string } {
  if (language === 'en' && (a.titleEn || a.bodyEn))
    return { title: a.titleEn ?? a.titleJa, body: a.bodyEn ?? a.bodyJa };
  return { title: a.titleJa, body: a.bodyJa };
}

export const announcementCss = `
.ts-ann { display: flex; flex-direction: column; gap: 1.5vmin; min-height: 0; flex: 1; overflow: hidden; }
.ts-ann__kind { margin: 0; display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; font-size: 1rem; font-weight: 800; }
.ts-ann__tag { display: inline-block; padding: 0.1em 0.6em; border-radius: 0.4em; border: 3px solid currentColor; }
.ts-ann__tag--important { background: ${p.primary}; color: ${p.primaryText}; border-color: ${p.primary}; }
.ts-ann__tag--routine { background: ${p.neutral}; color: ${p.neutralText}; }
.ts-ann__tag--emergency { background: ${p.danger}; color: ${p.dangerText}; border-color: ${p.dangerText}; }
.ts-ann__tag--test { background: ${p.notice}; color: ${p.noticeText}; border-color: ${p.noticeText}; }
.ts-ann__title { margin: 0; font-size: 1.6rem; font-weight: 900; line-height: 1.25; overflow-wrap: anywhere; }
.ts-ann__body { margin: 0; font-size: 1.15rem; font-weight: 600; line-height: 1.5; white-space: pre-line; overflow-wrap: anywhere; overflow: hidden; }
.ts-ann__time { margin: 0; font-size: 1rem; }
.ts-ann__text { flex: 0 1 auto; min-height: 0; display: flex; gap: 2vmin; align-items: stretch; }
.ts-ann__text > .ts-ann__body { flex: 1; min-height: 0; }
.ts-ann__more { flex: none; align-self: flex-start; width: max(200px, 20vmin); font-size: 1rem; }
.ts-ann--emergency .ts-ann__title { font-size: 2.2rem; }
.ts-ann--emergency .ts-ann__body { font-size: 1.3rem; }
.ts-ann-page { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 2vmin; }
.ts-ann-page__status { margin: 0; font-size: 1rem; font-weight: 800; }
.ts-ann-page__position { font-size: 1rem; font-weight: 800; white-space: nowrap; }
.ts-ann-actions { flex: none; display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 2vmin; min-height: max(120px, 17vmin); }
.ts-ann-actions .ts-button { font-size: 1.05rem; }
.ts-emergency { position: fixed; inset: 0; z-index: 1000; background: ${p.danger}; color: ${p.dangerText}; display: flex; flex-direction: column; padding: 2vmin 3vmin; gap: 2vmin; }
.ts-emergency__header { display: flex; align-items: center; gap: 2vmin; flex: none; }
.ts-emergency__header h1 { margin: 0; font-size: 2rem; font-weight: 900; line-height: 1.2; }
.ts-emergency__icon { width: 2.4em; height: 2.4em; flex: none; }
.ts-emergency__actions { flex: none; display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 3vmin; min-height: max(140px, 22vmin); }
.ts-emergency__actions .ts-button { border: 6px solid ${p.dangerText}; font-size: 1.6rem; flex-direction: row; gap: 0.5em; }
.ts-emergency .ts-ann__tag--emergency { border-color: ${p.dangerText}; }
`;

/** The red full-screen frame of an emergency: header, then the card, then the answer buttons. */
export function EmergencyFrame({
  title,
  children,
  actions,
  testId,
  announcementId,
}: {
  title: string;
  children: ReactNode;
  actions: ReactNode;
  testId?: string;
  announcementId?: number;
}): ReactElement {
  return (
    <div
      className="ts-emergency"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="ts-emergency-title"
      data-testid={testId}
      data-announcement={announcementId}
    >
      <style>{announcementCss}</style>
      <header className="ts-emergency__header">
        <Icon name="bell" className="ts-emergency__icon" />
        <h1 id="ts-emergency-title">{title}</h1>
      </header>
      {children}
      <div className="ts-emergency__actions">{actions}</div>
    </div>
  );
}

export function AnnouncementCard({
  announcement,
  language,
  emergencyScreen,
  time,
  bodyRef,
}: {
  announcement: AnnouncementCardData;
  language: string;
  /** Drawn on the red emergency takeover (bigger headline). */
  emergencyScreen?: boolean;
  /** Already formatted publication time, shown under the text. */
  time?: string;
  /**
   * The screen pages the text with a button of its own (the announcements screen turns つぎへ into
   * つづき, keeping six buttons): its `usePagedOverflow` ref for the text, and no つづき in the card.
   */
  bodyRef?: RefObject<HTMLParagraphElement | null>;
}): ReactElement {
  const { t } = useTranslation();
  const { title, body } = announcementText(announcement, language);
  const kindKey =
    announcement.kind === 'emergency'
      ? 'kindEmergency'
      : announcement.kind === 'important'
        ? 'kindImportant'
        : 'kindRoutine';
  return (
    <article
      className={`ts-ann${emergencyScreen ? ' ts-ann--emergency' : ''}`}
      data-testid="announcement-card"
      data-kind={announcement.kind}
      data-test={announcement.test}
    >
      <style>{announcementCss}</style>
      <p className="ts-ann__kind">
        <span className={`ts-ann__tag ts-ann__tag--${announcement.kind}`}>{t(`announcements.${kindKey}`)}</span>
        {announcement.test ? (
          <span className="ts-ann__tag ts-ann__tag--test" data-testid="announcement-test">
            {t('announcements.test')}
          </span>
        ) : null}
      </p>
      <h2 className="ts-ann__title">{title}</h2>
      {announcement.test ? <p className="ts-ann__body">{t('announcements.testNote')}</p> : null}
      <PagedBody text={body} outsideRef={bodyRef} />
      {time ? <p className="ts-ann__time">{t('announcements.publishedAt', { time })}</p> : null}
    </article>
  );
}

/** The announcement's text; what does not fit is read a page at a time with one big button. */
function PagedBody({
  text,
  outsideRef,
}: {
  text: string;
  outsideRef?: RefObject<HTMLParagraphElement | null>;
}): ReactElement {
  const { t } = useTranslation();
  const ownRef = useRef<HTMLParagraphElement>(null);
  const { pages, page, advance } = usePagedOverflow(ownRef, 'text', text);
  return (
    <div className="ts-ann__text">
      <p className="ts-ann__body" ref={outsideRef ?? ownRef} data-testid="announcement-body">
        {text}
      </p>
      {pages > 1 && !outsideRef ? (
        <BigButton
          icon={page + 1 < pages ? 'down' : 'replay'}
          label={
            page + 1 < pages
              ? t('announcements.morePage', { page: page + 1, pages })
              : t('announcements.fromStart', { page: page + 1, pages })
          }
          variant="neutral"
          onPress={advance}
          className="ts-ann__more"
          testId="announcement-more"
        />
      ) : null}
    </div>
  );
}
