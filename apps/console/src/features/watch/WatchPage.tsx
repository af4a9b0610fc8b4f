/**
 * The watcher's console (見守り): today's board for the residents this person watches (city hall:
 * everyone), open alerts with their escalation ladder, a resident's 30-day history and the outcome
 * log. New alerts arrive live over the staff socket with a sound.
 */
import type { BoardRow, WatchAlert, WatcherOutcome } from '@tsunagu/protocol';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { emitAck, useStaffConnection, useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { type Column, DataTable, RowButton } from '../../shell/DataTable';
import { Page } from '../../shell/Page';
import { Button, ErrorMessage, LoadState, StatusMessage, useLoad } from '../../shell/ui';
import { Deliveries } from '../notifications/Deliveries';
import { useNotifyMessages } from '../notifications/messages';
import { AlertNote, CallNotes } from './CallNotes';
import { playAlertSound } from './sound';
import { watchCss } from './watch.css';

const OUTCOMES: WatcherOutcome[] = ['phoned_fine', 'visited_fine', 'needs_help', 'hospital', 'other'];
const MOOD_SCORE = { good: 2, so_so: 1, not_good: 0 } as const;

export function WatchPage() {
  useNotifyMessages();
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const connection = useStaffConnection();
  const board = useLoad(() => api.call('GET /api/watch/board'), []);
  const alerts = useLoad(() => api.call('GET /api/watch/alerts', { query: { state: 'active' } }), []);
  const outcomes = useLoad(() => api.call('GET /api/watch/alerts', { query: { state: 'resolved', limit: 50 } }), []);
  const [historyOf, setHistoryOf] = useState<number | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [flashTest, setFlashTest] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  const reloadAll = () => {
    board.reload();
    alerts.reload();
    outcomes.reload();
  };
  useStaffEvent('watch:alertRaised', (a) => {
    playAlertSound();
    const name = a.householdName ?? t('watch.district', { id: a.districtId });
    setFlashTest(a.test);
    setFlash(t(a.test ? 'watch.newTestAlert' : 'watch.newAlert', { name }));
    reloadAll();
  });
  useStaffEvent('watch:alertUpdated', reloadAll);
  useStaffEvent('watch:boardChanged', board.reload);
  useStaffEvent('terminal:presenceChanged', board.reload);
  useStaffReconnect(reloadAll);

  async function act(run: () => Promise<unknown>) {
    setActionError(null);
    try {
      await run();
      reloadAll();
    } catch (err) {
      setActionError(err);
    }
  }
  const acknowledge = (a: WatchAlert) =>
    act(() =>
      connection
        ? emitAck(connection.socket, 'watch:acknowledge', { alertId: a.id })
        : api.call('POST /api/watch/alerts/:id/acknowledge', { params: { id: a.id } }),
    );
  const resolve = (a: WatchAlert, outcome: WatcherOutcome, note: string) =>
    act(() => api.call('POST /api/watch/alerts/:id/resolve', { params: { id: a.id }, body: { outcome, note } }));

  const time = (iso: string | null) => formatDateTime(iso, i18n.language);

  return (
    <Page id="watch" title={t('watch.title')} testId="watch-page" css={watchCss}>
      {flash ? (
        <p className="message message-warn" role="alert" data-testid="watch-flash" data-test={flashTest}>
          {flash}
        </p>
      ) : null}
      {actionError ? <ErrorMessage error={actionError} /> : null}

      <section aria-labelledby="watch-alerts-heading">
        <h2 id="watch-alerts-heading">{t('watch.openAlerts')}</h2>
        <LoadState state={alerts}>
          {alerts.data && alerts.data.alerts.length === 0 ? <StatusMessage>{t('watch.noAlerts')}</StatusMessage> : null}
          <ul className="watch-alerts" data-testid="watch-alerts">
            {alerts.data?.alerts.map((a) => (
              <AlertCard
                key={a.id}
                alert={a}
                time={time}
                onAcknowledge={() => void acknowledge(a)}
                onResolve={(o, n) => void resolve(a, o, n)}
              />
            ))}
          </ul>
        </LoadState>
      </section>

      <section aria-labelledby="watch-board-heading">
        <h2 id="watch-board-heading">
          {t('watch.board')} {board.data ? <span className="cell-sub">{board.data.day}</span> : null}
        </h2>
        <LoadState state={board}>
          {board.data ? (
            <>
              <p className="summary" data-testid="watch-counts">
                {Object.entries(board.data.counts)
                  .map(([k, n]) => `${t(`watch.status.${k}`)} ${n}`)
                  .join(' · ')}
              </p>
              <DataTable
                caption={t('watch.board')}
                testId="watch-board"
                rows={board.data.rows}
                rowKey={(r) => r.householdId}
                rowData={(r) => ({ 'data-testid': `watch-row-${r.householdId}`, 'data-status': r.status })}
                columns={boardColumns(t, time, setHistoryOf)}
              />
            </>
          ) : null}
        </LoadState>
      </section>

      {historyOf !== null ? <HistoryPanel householdId={historyOf} onClose={() => setHistoryOf(null)} /> : null}

      <section aria-labelledby="watch-outcomes-heading">
        <h2 id="watch-outcomes-heading">{t('watch.outcomeLog')}</h2>
        <DataTable
          state={outcomes}
          caption={t('watch.outcomeLog')}
          testId="watch-outcomes"
          rows={outcomes.data?.alerts ?? []}
          columns={[
            { header: t('watch.resolvedAt'), className: 'nowrap', cell: (a) => time(a.resolvedAt) },
            {
              header: t('watch.resident'),
              rowHeader: true,
              cell: (a) => a.householdName ?? t('watch.district', { id: a.districtId }),
            },
            {
              header: t('watch.kindHeading'),
              cell: (a) => `${a.test ? `${t('watch.test')}: ` : ''}${t(`watch.kind.${a.kind}`)}`,
            },
            { header: t('watch.outcome'), cell: (a) => (a.outcome ? t(`watch.outcomes.${a.outcome}`) : '') },
            { header: t('watch.note'), cell: (a) => a.note },
            { header: t('watch.by'), cell: (a) => a.resolvedByName ?? '' },
          ]}
        />
      </section>
    </Page>
  );
}

/** The board's columns: who, today's state (and deadline), the check-in, mood, terminal, history. */
function boardColumns(
  t: TFunction,
  time: (iso: string | null) => string,
  onHistory: (householdId: number) => void,
): Column<BoardRow>[] {
  return [
    {
      header: t('watch.resident'),
      rowHeader: true,
      cell: (row) => (
        <>
          <span className="cell-title">{row.householdName}</span>
          {row.possibleOutage ? <span className="tag tag-warn">{t('watch.possibleOutage')}</span> : null}
        </>
      ),
    },
    {
      header: t('watch.statusHeading'),
      cell: (row) => (
        <>
          <span className={`tag watch-status watch-status-${row.status}`}>{t(`watch.status.${row.status}`)}</span>
          {row.deadline && (row.status === 'waiting' || row.status === 'missed') ? (
            <span className="cell-sub">{t('watch.deadline', { time: time(row.deadline) })}</span>
          ) : null}
        </>
      ),
    },
    {
      header: t('watch.checkedInAt'),
      className: 'nowrap',
      cell: (row) => (
        <>
          {row.checkedInAt ? time(row.checkedInAt) : ''}
          {row.signOfLife && row.signOfLife !== 'checkin' ? (
            <span className="cell-sub">{t(`watch.signs.${row.signOfLife}`)}</span>
          ) : null}
        </>
      ),
    },
    { header: t('watch.mood'), cell: (row) => (row.mood ? t(`watch.moods.${row.mood}`) : '') },
    {
      header: t('watch.terminal'),
      cell: (row) =>
        row.status === 'no_terminal' ? (
          t('common.none')
        ) : (
          <span className={`state ${row.terminalOnline ? 'state-online' : 'state-offline'}`}>
            <span className="state-dot" aria-hidden="true" />
            {row.terminalOnline ? t('watch.online') : t('watch.offline')}
          </span>
        ),
    },
    {
      header: t('watch.history'),
      cell: (row) => (
        <RowButton
          label={t('watch.showHistory')}
          name={row.householdName}
          onClick={() => onHistory(row.householdId)}
          testId={`watch-history-${row.householdId}`}
        />
      ),
    },
  ];
}

function AlertCard({
  alert,
  time,
  onAcknowledge,
  onResolve,
}: {
  alert: WatchAlert;
  time: (iso: string | null) => string;
  onAcknowledge: () => void;
  onResolve: (outcome: WatcherOutcome, note: string) => void;
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<WatcherOutcome>('phoned_fine');
  const [note, setNote] = useState('');
  const id = `alert-${alert.id}`;
  return (
    <li
      className={`watch-alert watch-alert-level-${alert.level} watch-alert-kind-${alert.kind}`}
      data-testid={`watch-alert-${alert.id}`}
      data-state={alert.state}
      data-level={alert.level}
      data-test={alert.test}
    >
      <h3>
        {alert.test ? (
          <span className="tag tag-warn" data-testid="watch-alert-test">
            {t('watch.test')}
          </span>
        ) : null}{' '}
        {alert.householdName ?? t('watch.district', { id: alert.districtId })} — {t(`watch.kind.${alert.kind}`)}
        {alert.possibleOutage ? <span className="tag tag-warn">{t('watch.possibleOutage')}</span> : null}
      </h3>
      <p>
        {t(`watch.state.${alert.state}`)} · {t('watch.level', { level: alert.level })}
        {alert.nextEscalationAt ? ` · ${t('watch.nextEscalation', { time: time(alert.nextEscalationAt) })}` : ''}
      </p>
      <AlertNote alert={alert} />
      <ol className="watch-ladder" aria-label={t('watch.ladder')}>
        {alert.events.map((e) => (
          <li key={e.id}>
            <span className="nowrap">{time(e.at)}</span> {t(`watch.events.${e.type}`, { level: e.level ?? 0 })}
            {e.actorName ? ` (${e.actorName})` : ''}
          </li>
        ))}
      </ol>
      <Deliveries deliveries={alert.deliveries} alertId={alert.id} />
      <div className="watch-actions">
        {alert.state === 'open' ? (
          <Button look="primary" onClick={onAcknowledge} testId={`watch-ack-${alert.id}`}>
            {t('watch.acknowledge')}
          </Button>
        ) : null}
        <form
          className="watch-resolve"
          onSubmit={(ev) => {
            ev.preventDefault();
            onResolve(outcome, note);
          }}
        >
          <label htmlFor={`${id}-outcome`}>{t('watch.outcome')}</label>
          <select
            id={`${id}-outcome`}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as WatcherOutcome)}
            data-testid={`watch-outcome-${alert.id}`}
          >
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`watch.outcomes.${o}`)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-note`}>{t('watch.note')}</label>
          <input
            id={`${id}-note`}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
            data-testid={`watch-note-${alert.id}`}
          />
          <button type="submit" className="button" data-testid={`watch-resolve-${alert.id}`}>
            {t('watch.resolve')}
          </button>
        </form>
      </div>
    </li>
  );
}

function HistoryPanel({ householdId, onClose }: { householdId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const history = useLoad(
    () => api.call('GET /api/watch/households/:householdId/history', { params: { householdId }, query: { days: 30 } }),
    [householdId],
  );
  const days = history.data?.days ?? [];
  const moods = days.map((d) => (d.mood ? MOOD_SCORE[d.mood] : null));
  const points = moods
    .map((m, i) => (m === null ? null : `${(i / Math.max(1, days.length - 1)) * 300},${40 - m * 18}`))
    .filter((p): p is string => p !== null);
  return (
    <section aria-labelledby="watch-history-heading" className="watch-history" data-testid="watch-history">
      <h2 id="watch-history-heading">
        {t('watch.historyOf', { name: history.data?.householdName ?? '' })}{' '}
        <Button size="small" look="quiet" onClick={onClose}>
          {t('common.close')}
        </Button>
      </h2>
      <LoadState state={history}>
        <ol className="watch-calendar" aria-label={t('watch.calendar')}>
          {days.map((d) => (
            <li
              key={d.day}
              className={`watch-day watch-day-${d.status}`}
              title={`${d.day} ${t(`watch.dayStatus.${d.status}`)}`}
            >
              <span className="watch-day-date">{Number(d.day.slice(8))}</span>
              <span className="watch-day-status">{t(`watch.dayStatus.${d.status}`)}</span>
              {d.mood ? <span className="watch-day-mood">{t(`watch.moods.${d.mood}`)}</span> : null}
            </li>
          ))}
        </ol>
        <figure className="watch-trend">
          <svg viewBox="-5 -5 310 50" role="img" aria-label={t('watch.moodTrend')}>
            <line x1="0" y1="4" x2="300" y2="4" stroke="#bbb" strokeDasharray="4 4" />
            <line x1="0" y1="40" x2="300" y2="40" stroke="#bbb" strokeDasharray="4 4" />
            {points.length > 1 ? (
              <polyline points={points.join(' ')} fill="none" stroke="#0b5394" strokeWidth="2" />
            ) : null}
            {points.map((p) => {
              const [x, y] = p.split(',');
              return <circle key={p} cx={x} cy={y} r="3" fill="#0b5394" />;
            })}
          </svg>
          <figcaption>{t('watch.moodTrendCaption')}</figcaption>
        </figure>
      </LoadState>
      <CallNotes householdId={householdId} />
    </section>
  );
}
