/**
 * The announcement exactly as a terminal draws it: the terminal's own components and stylesheet
 * (from @tsunagu/ui), rendered inside an isolated 1280×720 frame and scaled down.
 */
import {
  AnnouncementCard,
  type AnnouncementCardData,
  BigButton,
  createI18n,
  EmergencyFrame,
  Screen,
  UiStyles,
} from '@tsunagu/ui';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { I18nextProvider, useTranslation } from 'react-i18next';

export interface PreviewData extends AnnouncementCardData {
  safetyCheck: boolean;
}

const WIDTH = 1280;
const HEIGHT = 720;

/**
 * The answer buttons as the terminal draws them (its `AnswerButtons`): on the red emergency screen
 * only the safe answer is coloured.
 */
function AnswerButtons({ safetyCheck, emergency = false }: { safetyCheck: boolean; emergency?: boolean }) {
  const { t } = useTranslation();
  const none = () => undefined;
  return safetyCheck ? (
    <>
      <BigButton icon="heart" label={t('announcements.safe')} variant="positive" onPress={none} />
      <BigButton
        icon="phone"
        label={t('announcements.needHelp')}
        variant={emergency ? 'neutral' : 'danger'}
        onPress={none}
      />
    </>
  ) : (
    <BigButton
      icon="check"
      label={t('announcements.acknowledge')}
      variant={emergency ? 'neutral' : 'positive'}
      onPress={none}
    />
  );
}

function TerminalView({ a, language }: { a: PreviewData; language: string }) {
  const { t } = useTranslation();
  if (a.kind === 'emergency') {
    return (
      <EmergencyFrame
        title={t('announcements.emergencyTitle')}
        actions={<AnswerButtons safetyCheck={a.safetyCheck} emergency />}
      >
        <AnnouncementCard announcement={a} language={language} emergencyScreen />
        {a.safetyCheck ? <p className="ts-text ts-text--large">{t('announcements.safetyQuestion')}</p> : null}
      </EmergencyFrame>
    );
  }
  return (
    <Screen
      title={t('announcements.title')}
      back={<BigButton icon="back" label={t('common.back')} onPress={() => undefined} variant="neutral" compact />}
      aside={<span className="ts-ann-page__position">{t('announcements.position', { index: 1, total: 1 })}</span>}
    >
      <div className="ts-ann-page">
        <AnnouncementCard announcement={a} language={language} />
        {a.safetyCheck ? <p className="ts-ann-page__status">{t('announcements.safetyQuestion')}</p> : null}
        <div className="ts-ann-actions">
          <BigButton
            icon="back"
            label={t('announcements.previous')}
            variant="neutral"
            onPress={() => undefined}
            disabled
          />
          <BigButton icon="next" label={t('announcements.next')} variant="neutral" onPress={() => undefined} disabled />
          <BigButton icon="replay" label={t('announcements.replay')} onPress={() => undefined} />
          <AnswerButtons safetyCheck={a.safetyCheck} />
        </div>
      </div>
    </Screen>
  );
}

export function TerminalPreview({
  announcement,
  language,
  title,
  scale = 0.375,
}: {
  announcement: PreviewData;
  language: 'ja' | 'en';
  title: string;
  scale?: number;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [root, setRoot] = useState<HTMLElement | null>(null);
  const i18n = useMemo(() => createI18n(language), [language]);
  useEffect(() => {
    const doc = frame.current?.contentDocument;
    if (!doc) return;
    doc.open();
    doc.write(
      `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${title}</title></head><body><div id="root"></div></body></html>`,
    );
    doc.close();
    setRoot(doc.getElementById('root'));
  }, [language, title]);
  return (
    <div
      className="ann-preview"
      style={{
        width: WIDTH * scale,
        height: HEIGHT * scale,
        overflow: 'hidden',
        border: '3px solid #111',
        borderRadius: 8,
      }}
      data-testid="terminal-preview"
    >
      <iframe
        ref={frame}
        title={title}
        tabIndex={-1}
        style={{
          width: WIDTH,
          height: HEIGHT,
          border: 0,
          transform: `scale(${scale})`,
          transformOrigin: '0 0',
          pointerEvents: 'none',
        }}
      />
      {root
        ? createPortal(
            <I18nextProvider i18n={i18n}>
              <UiStyles />
              <TerminalView a={announcement} language={language} />
            </I18nextProvider>,
            root,
          )
        : null}
    </div>
  );
}
