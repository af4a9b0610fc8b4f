/**
 * Answering an announcement — 確認しました, or a safety check's 無事です / 助けが必要です — the same
 * on the list and on the emergency screen: the inbox marks it, the terminal says what it sent, and
 * the receipt goes to the hub (or waits in the outbox while the hub is away).
 */
import type { SafetyAnswer, TerminalAnnouncement } from '@tsunagu/protocol';
import { BigButton } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import type { SoundLevel } from '../../sound/arbiter';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';

/** Answers `a` with a safety answer, or (null) acknowledges it; what is said is spoken at `level`. */
export function useAnswer(level?: SoundLevel): (a: TerminalAnnouncement, value: SafetyAnswer | null) => void {
  const { t } = useTranslation();
  const connection = useConnection();
  const { inbox, receipts } = useTerminalState();
  const { announce } = useSound();
  return (a, value) => {
    inbox.acknowledge(a.id, value);
    const said =
      value === 'safe'
        ? t('announcements.answeredSafe')
        : value === 'need_help'
          ? t('announcements.answeredNeedHelp')
          : t('announcements.acknowledgedNote');
    announce({ text: said, tone: 'success' }, level);
    const receipt = value
      ? { announcementId: a.id, stage: 'answered' as const, answer: value }
      : { announcementId: a.id, stage: 'acknowledged' as const };
    if (connection) void receipts.send(connection.socket, receipt);
    else receipts.add(receipt);
  };
}

/**
 * The two safety answers, or the one 確認しました button. On the red emergency screen the buttons
 * that are not the safe answer stay neutral, so the only coloured one is 無事です.
 */
export function AnswerButtons({
  safetyCheck,
  onAnswer,
  emergency = false,
}: {
  safetyCheck: boolean;
  onAnswer: (value: SafetyAnswer | null) => void;
  emergency?: boolean;
}): ReactElement {
  const { t } = useTranslation();
  const testId = emergency ? 'emergency' : 'announcement';
  return safetyCheck ? (
    <>
      <BigButton
        icon="heart"
        label={t('announcements.safe')}
        variant="positive"
        onPress={() => onAnswer('safe')}
        testId={`${testId}-safe`}
      />
      <BigButton
        icon="phone"
        label={t('announcements.needHelp')}
        variant={emergency ? 'neutral' : 'danger'}
        onPress={() => onAnswer('need_help')}
        testId={`${testId}-need-help`}
      />
    </>
  ) : (
    <BigButton
      icon="check"
      label={t('announcements.acknowledge')}
      variant={emergency ? 'neutral' : 'positive'}
      onPress={() => onAnswer(null)}
      testId={`${testId}-acknowledge`}
    />
  );
}
