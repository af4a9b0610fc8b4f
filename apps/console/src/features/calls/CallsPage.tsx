/**
 * Shop staff and listeners take calls here: availability, ringing, the video call with the order
 * builder beside it, the queue (with callback requests) and the queue figures. City hall sees
 * every line's queue and figures.
 */
import type { CallEnded, QueueView } from '@tsunagu/protocol';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffConnection, useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { Page } from '../../shell/Page';
import { Button, ErrorMessage, LoadState, useLoad } from '../../shell/ui';
import { OrderBuilder } from '../orders/OrderBuilder';
import { ResidentNotice } from './CallBar';
import { CallNoteForm } from './CallNoteForm';
import { consoleCalls } from './controller';
import { DueCalls } from './DueCalls';

const css = `
.call-grid { display: grid; grid-template-columns: minmax(320px, 2fr) minmax(280px, 1fr); gap: 1rem; align-items: start; }
.call-stage { position: relative; background: #000; border-radius: 8px; aspect-ratio: 4 / 3; }
.call-stage video.remote { width: 100%; height: 100%; object-fit: contain; }
.call-stage video.self { position: absolute; right: 8px; bottom: 8px; width: 28%; border: 2px solid #fff; border-radius: 6px; }
.ringing { border: 3px solid #b45309; background: #fffbeb; padding: 1rem; border-radius: 8px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 0.5rem; }
.figures div { border: 1px solid #ccc; border-radius: 6px; padding: 0.5rem; }
.figures strong { display: block; font-size: 1.4rem; }
.catalogue { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
@media (max-width: 900px) { .call-grid { grid-template-columns: 1fr; } }
`;

function Video({
  stream,
  className,
  muted,
  label,
  testId,
}: {
  stream: MediaStream | null;
  className: string;
  muted?: boolean;
  label: string;
  testId: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) {
      ref.current.srcObject = stream;
      if (stream) void ref.current.play().catch(() => undefined);
    }
  }, [stream]);
  return (
    <video ref={ref} className={className} autoPlay playsInline muted={muted} aria-label={label} data-testid={testId} />
  );
}

/** The reason a call ended, in words (a lost connection says whose). */
const endedReasonKey = (e: CallEnded) =>
  e.reason === 'connection_lost' && e.lost
    ? (`calls.endedReason.lost_${e.lost}` as const)
    : (`calls.endedReason.${e.reason}` as const);

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function CallsPage() {
  const { t, i18n } = useTranslation();
  const { api, user } = useSession();
  const connection = useStaffConnection();
  const view = useSyncExternalStore(consoleCalls.subscribe, consoleCalls.getSnapshot);
  const queues = useLoad(() => api.call('GET /api/calls/queues'), []);
  const [live, setLive] = useState<Record<number, QueueView>>({});
  const isOperator = (user.role === 'operator' || user.role === 'listener') && user.shopId !== null;

  useEffect(() => {
    if (connection) consoleCalls.attach(connection.socket, user.id);
  }, [connection, user.id]);
  useStaffEvent('call:queueChanged', (q) => setLive((l) => ({ ...l, [q.shopId]: q })));
  useStaffReconnect(() => {
    setLive({});
    queues.reload();
  });

  const all = (queues.data?.queues ?? []).map((q) => live[q.shopId] ?? q);
  const mine = isOperator ? all.find((q) => q.shopId === user.shopId) : undefined;
  const me = view.me ?? mine?.operators.find((o) => o.operatorId === user.id) ?? null;
  const seconds = (n: number) => t('calls.seconds', { n: Math.round(n) });

  return (
    <Page id="calls" title={t('calls.title')} testId="calls-page" css={css}>
      {view.error ? <ErrorMessage error={new Error(view.error)} /> : null}
      {isOperator ? (
        <section aria-labelledby="my-state" className="summary">
          <h2 id="my-state">{t('calls.myState')}</h2>
          <p data-testid="my-availability">
            {me ? `${t(`calls.availability.${me.availability}`)}・${t(`calls.activity.${me.activity}`)}` : '—'}
          </p>
          <Button look="primary" onClick={() => void consoleCalls.setAvailability('available')} testId="set-available">
            {t('calls.setAvailable')}
          </Button>{' '}
          <Button onClick={() => void consoleCalls.setAvailability('away')} testId="set-away">
            {t('calls.setAway')}
          </Button>{' '}
          {me?.availability === 'after_call_work' ? (
            <Button onClick={() => void consoleCalls.endAfterCallWork()} testId="end-acw">
              {t('calls.endAfterCallWork')}
            </Button>
          ) : null}
        </section>
      ) : null}

      {isOperator && user.role === 'listener' ? <DueCalls busy={view.call !== null} /> : null}

      {view.ringing ? (
        <section className="ringing" role="alert" data-testid="call-ringing">
          <h2>
            {view.ringing.status === 'callback_requested'
              ? t('calls.callbackRinging', { household: view.ringing.householdName })
              : t('calls.ringingTitle', { household: view.ringing.householdName })}
          </h2>
          <p>{t('calls.ringingHint', { seconds: view.ringing.ringTimeoutSeconds })}</p>
          <Button look="primary" onClick={() => void consoleCalls.answer()} testId="call-answer">
            {t('calls.answer')}
          </Button>{' '}
          <Button onClick={() => void consoleCalls.decline()} testId="call-decline">
            {t('calls.decline')}
          </Button>
        </section>
      ) : null}

      {view.call && view.elsewhere ? (
        <p className="message" role="status" data-testid="call-elsewhere">
          {t('calls.elsewhere', { household: view.call.householdName })}
        </p>
      ) : view.call ? (
        <section
          className="call-grid"
          data-testid="call-active"
          aria-label={t('calls.inCall', { household: view.call.householdName })}
        >
          <div>
            <h2>
              {view.call.status === 'ringing_terminal'
                ? t('calls.ringingTerminal', { household: view.call.householdName })
                : t('calls.inCall', { household: view.call.householdName })}
            </h2>
            <div className="call-stage">
              <Video
                stream={view.remoteStream}
                className="remote"
                label={t('calls.remoteVideo')}
                testId="console-remote-video"
              />
              <Video
                stream={view.localStream}
                className="self"
                muted
                label={t('calls.selfVideo')}
                testId="console-self-video"
              />
            </div>
            <ResidentNotice resident={view.resident} />
            {view.reconnecting ? <p className="message message-warn">{t('calls.reconnecting')}</p> : null}
            {view.audioOnly ? <p className="message message-warn">{t('calls.audioOnly')}</p> : null}
            <Button look="danger" onClick={() => void consoleCalls.hangUp()} testId="call-hang-up">
              {t('calls.hangUp')}
            </Button>
          </div>
          {view.call.shopKind === 'shop' ? (
            <OrderBuilder shopId={view.call.shopId} householdId={view.call.householdId} callId={view.call.callId} />
          ) : null}
        </section>
      ) : view.lastEnded ? (
        <p className="message" role="status" data-testid="call-ended">
          {t('calls.ended', { reason: t(endedReasonKey(view.lastEnded)) })}
        </p>
      ) : null}
      {!view.call && view.lastCall ? (
        <CallNoteForm key={view.lastCall.callId} call={view.lastCall} onDone={() => consoleCalls.noteDone()} />
      ) : null}

      <LoadState state={queues}>
        {all.map((q) => (
          <section key={q.shopId} aria-labelledby={`queue-${q.shopId}`} data-testid={`queue-${q.shopId}`}>
            <h2 id={`queue-${q.shopId}`}>
              {q.shopName}（{q.open ? t('calls.open') : t('calls.closed')}）
            </h2>
            <h3>{t('calls.figures')}</h3>
            <div className="figures" data-testid={`figures-${q.shopId}`}>
              <div>
                {t('calls.waitingNow')}
                <strong>{q.figures.waitingNow}</strong>
              </div>
              <div>
                {t('calls.callbacksWaiting')}
                <strong>{q.figures.callbacksWaiting}</strong>
              </div>
              <div>
                {t('calls.asa')}
                <strong>{seconds(q.figures.averageSpeedOfAnswerSeconds)}</strong>
              </div>
              <div>
                {t('calls.abandonment')}
                <strong>{pct(q.figures.abandonmentRate)}</strong>
              </div>
              <div>
                {t('calls.within20')}
                <strong>{pct(q.figures.answeredWithin20sShare)}</strong>
              </div>
              <div>
                {t('calls.perOperator')}
                <strong>
                  {q.figures.callsPerOperator
                    .map(
                      (c) =>
                        `${q.operators.find((o) => o.operatorId === c.operatorId)?.name ?? `#${c.operatorId}`}: ${c.answered}`,
                    )
                    .join('、') || '—'}
                </strong>
              </div>
            </div>
            <h3>{t('calls.queue')}</h3>
            {q.entries.length === 0 ? <p className="hint">{t('calls.queueEmpty')}</p> : null}
            <ol>
              {q.entries.map((e) => (
                <li key={e.callId}>
                  {e.householdName} {t('calls.since', { time: formatDateTime(e.since, i18n.language) })}
                  {e.callback ? (
                    <>
                      {' '}
                      <strong>{t('calls.callbackRequest')}</strong>{' '}
                      {isOperator && q.shopId === user.shopId && !view.call ? (
                        <Button
                          size="small"
                          onClick={() =>
                            void consoleCalls.callBack({ householdId: e.householdId, callbackOf: e.callId })
                          }
                          testId={`call-back-${e.callId}`}
                        >
                          {t('calls.callBack')}
                        </Button>
                      ) : null}
                    </>
                  ) : null}
                </li>
              ))}
            </ol>
            <h3>{t('calls.operators')}</h3>
            <ul>
              {q.operators.map((o) => (
                <li key={o.operatorId}>
                  {o.name}：{t(`calls.activity.${o.activity}`)}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </LoadState>
    </Page>
  );
}
