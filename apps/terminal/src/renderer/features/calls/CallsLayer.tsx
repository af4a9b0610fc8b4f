/**
 * Always mounted while the terminal is online: rings for a call back (big green answer, red
 * decline), shows the call itself (operator large, resident small, only "end call" and volume
 * buttons), and holds the call while an emergency is on screen.
 */
import { BigButton } from '@tsunagu/ui';
import type { TFunction } from 'i18next';
import { type ReactElement, useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { OkButton, YesOrNo } from '../../shell/Choices';
import { tone } from '../../sound/players';
import { useSound } from '../../sound/SoundContext';
import { useEmergencyActive, useTerminalState } from '../../state/TerminalState';
import { type CallView, calls, VOLUME_STEPS } from './controller';

export const callCss = `
.tc-overlay { position: fixed; inset: 0; z-index: 500; background: #10151c; color: #ffffff; display: flex; flex-direction: column; }
.tc-stage { position: relative; flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; background: #000000; }
.tc-remote { width: 100%; height: 100%; object-fit: contain; background: #000000; }
.tc-self { position: absolute; right: 2vmin; bottom: 2vmin; width: 22vmin; max-width: 240px; aspect-ratio: 4 / 3; object-fit: cover; border: 4px solid #ffffff; border-radius: 12px; background: #333333; }
.tc-banner { position: absolute; left: 2vmin; top: 2vmin; right: 2vmin; font-size: max(32px, 1rem); font-weight: 700; background: rgba(0,0,0,0.75); color: #ffffff; padding: 0.3em 0.6em; border-radius: 12px; }
.tc-controls { display: flex; gap: 2vmin; padding: 2vmin; justify-content: center; background: #10151c; }
.tc-controls .ts-button { min-width: 180px; min-height: 130px; flex: 0 1 max(260px, 30vmin); }
.tc-incoming { position: fixed; inset: 0; z-index: 500; background: #ffffff; color: #111111; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 4vmin; padding: 4vmin; }
.tc-incoming h1 { font-size: max(48px, 2rem); margin: 0; text-align: center; }
.tc-incoming p { font-size: max(32px, 1.1rem); margin: 0; text-align: center; }
.tc-row { display: flex; gap: 4vmin; width: 100%; max-width: max(900px, 75vw); justify-content: center; }
.tc-row .ts-button { flex: 1; min-height: max(200px, 32vmin); font-size: max(40px, 1.5rem); }
.tc-held { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; background: rgba(0,0,0,0.85); font-size: 40px; font-weight: 700; text-align: center; padding: 4vmin; }
.tc-novideo { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; font-size: 40px; color: #ffffff; text-align: center; padding: 4vmin; }
`;

/** Quieter and louder: one step down or up the volume steps, each unavailable at its end. */
const VOLUME_BUTTONS = [
  { by: -1, icon: 'volumeDown', label: 'call.quieter', testId: 'call-volume-down' },
  { by: 1, icon: 'volumeUp', label: 'call.louder', testId: 'call-volume-up' },
] as const;

/** Why a call the resident did not end is over, in words. */
function endedText(t: TFunction, view: CallView): string {
  if (view.endReason === 'hung_up_by_operator')
    return t('call.endedByOperator', {
      name: view.shopKind === 'listening' ? t('call.titleListening') : view.shopName,
    });
  return view.endReason === 'connection_lost' ? t('call.endedLost') : t('call.endedOther');
}

function useCallView() {
  return useSyncExternalStore(calls.subscribe, calls.getSnapshot);
}

export function CallsLayer(): ReactElement | null {
  const { t } = useTranslation();
  const { announce, arbiter } = useSound();
  const connection = useConnection();
  const view = useCallView();
  const emergency = useEmergencyActive();
  const remoteRef = useRef<HTMLVideoElement>(null);
  const selfRef = useRef<HTMLVideoElement>(null);

  useEffect(() => (connection ? calls.attach(connection.socket) : undefined), [connection]);

  // Emergency on screen → the call is held (muted both ways, shown as held) until it is over.
  const wasEmergency = useRef(false);
  useEffect(() => {
    if (emergency) calls.holdCall();
    else if (wasEmergency.current) calls.resumeCall();
    wasEmergency.current = emergency;
  }, [emergency]);

  // A live call holds the sound channel (reminders and screen cues wait; an emergency does not),
  // and keeps the screen on while it rings or talks.
  const { device } = useTerminalState();
  const talking = view.phase === 'connected';
  const active = talking || view.phase === 'incoming' || view.phase === 'requesting' || view.phase === 'waiting';
  useEffect(() => (talking ? arbiter.occupy('call', 'call') : undefined), [talking, arbiter]);
  useEffect(() => {
    if (!active) return;
    device.setKeepAwake('call', true);
    return () => device.setKeepAwake('call', false);
  }, [active, device]);

  // Every state change is heard: a tone and a sentence.
  const lastPhase = useRef(view.phase);
  useEffect(() => {
    const before = lastPhase.current;
    lastPhase.current = view.phase;
    if (before === view.phase) return;
    const name = view.shopKind === 'listening' ? t('call.titleListening') : view.shopName;
    if (view.phase === 'incoming') announce({ text: t('call.incomingSpoken', { name }), tone: 'chime' });
    if (view.phase === 'connected') announce({ text: t('call.connectedSpoken', { name }), tone: 'success' });
    if (view.phase === 'ended' && view.showEnded)
      announce({ text: `${t('call.endedTitle')}。${endedText(t, view)}`, tone: 'disconnected' });
    else if (view.phase === 'ended' && before === 'connected')
      announce({ text: t('call.endedSpoken'), tone: 'disconnected' });
  }, [view, t, announce]);

  const lastHeld = useRef(view.held);
  useEffect(() => {
    if (lastHeld.current === view.held) return;
    lastHeld.current = view.held;
    if (!view.held && view.phase === 'connected') announce({ text: t('call.resumedSpoken'), tone: 'chime' });
  }, [view.held, view.phase, t, announce]);

  // A call back keeps ringing (softly) until answered or declined; no time limit on the resident.
  useEffect(() => {
    if (view.phase !== 'incoming' || emergency) return;
    const ring = () =>
      void arbiter.play({
        level: 'call',
        key: 'ringing',
        interrupted: 'drop',
        play: (signal) => tone('chime', signal),
      });
    const timer = setInterval(ring, 4000);
    return () => clearInterval(timer);
  }, [view.phase, emergency, arbiter]);

  useEffect(() => {
    const v = remoteRef.current;
    if (!v) return;
    if (v.srcObject !== view.remoteStream) v.srcObject = view.remoteStream;
    v.volume = view.volume;
    v.muted = view.held;
    if (view.remoteStream) void v.play().catch(() => undefined);
  });
  useEffect(() => {
    const v = selfRef.current;
    if (v && v.srcObject !== view.localStream) {
      v.srcObject = view.localStream;
      if (view.localStream) void v.play().catch(() => undefined);
    }
  });

  if (view.phase === 'incoming') {
    const name = view.shopKind === 'listening' ? t('call.titleListening') : view.shopName;
    return (
      <div
        className="tc-incoming"
        role="alertdialog"
        aria-labelledby="tc-incoming-title"
        data-testid="call-incoming"
        inert={emergency}
      >
        <style>{callCss}</style>
        <h1 id="tc-incoming-title">{t('call.incomingTitle', { name })}</h1>
        <p>{t('call.incomingHint')}</p>
        <YesOrNo
          className="tc-row"
          yes={{ icon: 'phone', label: t('call.answer'), onPress: () => void calls.accept(), testId: 'call-answer' }}
          no={{ label: t('call.decline'), onPress: () => void calls.decline(), testId: 'call-decline' }}
        />
      </div>
    );
  }

  if (view.phase === 'ended' && view.showEnded) {
    return (
      <div className="tc-incoming" role="alertdialog" aria-labelledby="tc-ended-title" data-testid="call-ended">
        <style>{callCss}</style>
        <h1 id="tc-ended-title">{t('call.endedTitle')}</h1>
        <p>{endedText(t, view)}</p>
        <OkButton
          className="tc-row"
          label={t('call.endedOk')}
          onPress={() => calls.dismissEnded()}
          testId="call-ended-ok"
        />
      </div>
    );
  }

  if (view.phase !== 'connected') return null;
  const step = VOLUME_STEPS.findIndex((v) => v >= view.volume - 0.001);
  return (
    <div
      className="tc-overlay"
      data-testid="call-in-progress"
      inert={emergency}
      role="dialog"
      aria-label={t('call.inCallTitle', { name: view.shopName })}
    >
      <style>{callCss}</style>
      <div className="tc-stage">
        {/* biome-ignore lint/a11y/useMediaCaption: live video call, there is no caption track */}
        <video ref={remoteRef} className="tc-remote" autoPlay playsInline data-testid="call-remote-video" />
        {!view.remoteStream ? <div className="tc-novideo">{t('call.connectingVideo')}</div> : null}
        <video
          ref={selfRef}
          className="tc-self"
          autoPlay
          playsInline
          muted
          data-testid="call-self-video"
          aria-label={t('call.selfView')}
        />
        <p className="tc-banner" role="status">
          {view.reconnecting
            ? t('call.reconnecting')
            : view.audioOnly
              ? t('call.audioOnly')
              : t('call.inCallTitle', {
                  name: view.shopKind === 'listening' ? t('call.titleListening') : view.shopName,
                })}
        </p>
        {view.held ? (
          <div className="tc-held" data-testid="call-held">
            {t('call.held')}
          </div>
        ) : null}
      </div>
      <div className="tc-controls">
        {VOLUME_BUTTONS.map(({ by, icon, label, testId }) => {
          const to = VOLUME_STEPS[step + by];
          return (
            <BigButton
              key={testId}
              icon={icon}
              label={t(label)}
              variant="neutral"
              onPress={() => to !== undefined && calls.setVolume(to)}
              disabled={to === undefined}
              testId={testId}
            />
          );
        })}
        <BigButton
          icon="phone"
          label={t('call.hangUp')}
          variant="danger"
          onPress={() => void calls.hangUp()}
          testId="call-hang-up"
        />
      </div>
    </div>
  );
}
