/**
 * City hall's fleet view reaching the terminal: a volume test (the test tone, then 「聞こえましたか」
 * with はい / いいえ; the answer goes back to city hall) and a remote restart.
 */
import { BigButton, ButtonGrid } from '@tsunagu/ui';
import { type ReactElement, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection, useSocketEvent } from '../../connection';
import { useSound } from '../../sound/SoundContext';

const css = `
.td-volume { position: fixed; inset: 0; z-index: 560; background: #ffffff; color: #111111; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 4vmin; padding: 4vmin; text-align: center; }
.td-volume h1 { font-size: max(52px, 2rem); margin: 0; }
.td-volume p { font-size: max(32px, 1.1rem); margin: 0; max-width: 32em; }
.td-volume .ts-button-grid { width: min(100%, 1100px); }
`;

export function DeviceLayer({ onRestart }: { onRestart: () => void }): ReactElement | null {
  const { t } = useTranslation();
  const { announce } = useSound();
  const connection = useConnection();
  const [testId, setTestId] = useState<number | null>(null);

  const play = () => announce({ text: t('device.volumeSpoken'), tone: 'chime' }, 'important');
  useSocketEvent('terminal:volumeTest', ({ testId: id }) => setTestId(id));
  useSocketEvent('terminal:restart', () => onRestart());
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tone plays once per test
  useEffect(() => {
    if (testId !== null) play();
  }, [testId]);

  if (testId === null) return null;
  const answer = (heard: boolean) => {
    setTestId(null);
    announce({ text: t('device.thanks'), tone: 'success' });
    if (connection)
      void ackWithTimeout(connection.socket, 'terminal:answerVolumeTest', { testId, heard }, 8_000).catch(
        () => undefined,
      );
  };
  return (
    <div className="td-volume" role="alertdialog" aria-labelledby="td-volume-title" data-testid="volume-test">
      <style>{css}</style>
      <h1 id="td-volume-title">{t('device.volumeTitle')}</h1>
      <p>{t('device.volumeBody')}</p>
      <ButtonGrid columns={3}>
        <BigButton
          icon="check"
          label={t('device.yes')}
          variant="positive"
          onPress={() => answer(true)}
          testId="volume-yes"
        />
        <BigButton icon="back" label={t('device.no')} onPress={() => answer(false)} testId="volume-no" />
        <BigButton icon="volumeUp" label={t('device.volumeAgain')} onPress={play} testId="volume-again" />
      </ButtonGrid>
    </div>
  );
}
