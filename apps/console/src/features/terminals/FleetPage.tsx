/**
 * City hall's fleet view (issue 13): every terminal with its household, online state and last seen,
 * app and protocol version, the address it connects from, the last check-in and the last volume
 * test; a volume test (the resident's answer comes back live), remote restart, and replace (revoke
 * and a new enrollment code for the same household in one step).
 */
import type { EnrollmentCodeIssued, FleetTerminal, Household } from '@tsunagu/protocol';
import { useState } from 'react';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, RowButtons } from '../../shell/DataTable';
import { CheckField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, StatusMessage, useConfirm, useLoad } from '../../shell/ui';
import { EnrollmentCodeDialog } from '../households/EnrollmentCodeDialog';
import { useFleetMessages } from './messages';

export function FleetPage() {
  const { t, i18n } = useFleetMessages();
  const { api } = useSession();
  const state = useLoad(async () => {
    const [fleet, households, districts] = await Promise.all([
      api.call('GET /api/terminals'),
      api.call('GET /api/households'),
      api.call('GET /api/districts'),
    ]);
    return { terminals: fleet.terminals, households: households.households, districts: districts.districts };
  }, []);
  const [showRevoked, setShowRevoked] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  /** Asks first; the dialog closes at once, and the page says how it went. */
  const ask = (kind: 'restart' | 'replace', x: FleetTerminal) =>
    confirm.ask({
      title: t(kind === 'restart' ? 'fleet.restartTitle' : 'fleet.replaceTitle'),
      body: t(kind === 'restart' ? 'fleet.restartBody' : 'fleet.replaceBody', { name: x.householdName }),
      confirmLabel: t(kind === 'restart' ? 'fleet.restart' : 'fleet.replace'),
      run: () => {
        confirm.close();
        return kind === 'restart' ? restart(x) : replace(x);
      },
      testId: `fleet-${kind}-dialog`,
    });
  const [issued, setIssued] = useState<{ household: Household; issued: EnrollmentCodeIssued } | null>(null);
  const time = (iso: string | null) => formatDateTime(iso, i18n.language);

  useStaffEvent('terminal:presenceChanged', state.reload);
  useStaffEvent('terminal:volumeTestAnswered', (a) => {
    const name = state.data?.terminals.find((x) => x.id === a.terminalId)?.householdName ?? '';
    const answer = a.test.heard ? t('fleet.answerHeard') : t('fleet.answerNotHeard');
    setStatus(t('fleet.volumeAnswered', { name, answer }));
    state.reload();
  });
  useStaffReconnect(state.reload);

  async function act(run: () => Promise<string>) {
    setError(null);
    try {
      setStatus(await run());
      state.reload();
    } catch (err) {
      setStatus(null);
      setError(err);
    }
  }
  const volumeTest = (x: FleetTerminal) =>
    act(async () => {
      await api.call('POST /api/terminals/:id/volume-test', { params: { id: x.id } });
      return t('fleet.volumeStarted', { name: x.householdName });
    });
  const restart = (x: FleetTerminal) =>
    act(async () => {
      await api.call('POST /api/terminals/:id/restart', { params: { id: x.id } });
      return t('fleet.restarted', { name: x.householdName });
    });
  const replace = (x: FleetTerminal) =>
    act(async () => {
      const code = await api.call('POST /api/terminals/:id/replace', { params: { id: x.id } });
      const household = state.data?.households.find((h) => h.id === x.householdId);
      if (household) setIssued({ household, issued: code });
      return '';
    });
  const districtName = (id: number) => {
    const d = state.data?.districts.find((x) => x.id === id);
    return d ? (i18n.language === 'en' ? d.nameEn : d.name) : String(id);
  };

  const rows = (state.data?.terminals ?? []).filter((x) => showRevoked || !x.revoked);
  return (
    <Page id="fleet" title={t('fleet.title')} testId="fleet-page" intro={t('fleet.intro')}>
      <CheckField
        label={t('fleet.showRevoked')}
        checked={showRevoked}
        onChange={setShowRevoked}
        testId="fleet-revoked"
      />
      {status ? <StatusMessage testId="fleet-status">{status}</StatusMessage> : null}
      <ErrorMessage error={error} testId="fleet-error" />
      <DataTable
        state={state}
        caption={t('fleet.title')}
        testId="fleet-table"
        rows={rows}
        rowData={(x) => ({
          'data-testid': 'fleet-row',
          'data-terminal-id': x.id,
          'data-household-id': x.householdId,
          'data-state': x.revoked ? 'revoked' : x.online ? 'online' : 'offline',
        })}
        columns={[
          {
            header: t('fleet.colHousehold'),
            rowHeader: true,
            className: 'nowrap',
            cell: (x) => (
              <>
                {x.householdName}
                <span className="cell-sub">{districtName(x.districtId)}</span>
              </>
            ),
          },
          {
            header: t('fleet.colState'),
            cell: (x) => (
              <>
                <span className={`state ${x.online ? 'state-online' : 'state-offline'}`}>
                  <span className="state-dot" aria-hidden="true" />
                  {x.revoked ? t('fleet.revoked') : x.online ? t('fleet.online') : t('fleet.offline')}
                </span>
                <span className="cell-sub">
                  {x.lastSeenAt ? t('fleet.lastSeen', { at: time(x.lastSeenAt) }) : t('fleet.neverSeen')}
                </span>
              </>
            ),
          },
          {
            header: t('fleet.colVersion'),
            testId: () => 'fleet-version',
            cell: (x) =>
              x.protocolVersion === null
                ? t('fleet.unknown')
                : t('fleet.version', { app: x.appVersion ?? t('fleet.unknown'), protocol: x.protocolVersion }),
          },
          {
            header: t('fleet.colAddress'),
            testId: () => 'fleet-address',
            cell: (x) => x.address ?? t('fleet.unknown'),
          },
          {
            header: t('fleet.colCheckin'),
            className: 'nowrap',
            cell: (x) => (x.lastCheckinAt ? time(x.lastCheckinAt) : t('fleet.none')),
          },
          {
            header: t('fleet.colVolume'),
            testId: () => 'fleet-volume',
            cell: (x) => {
              const v = x.volumeTest;
              if (!v) return t('fleet.none');
              if (v.heard === null) return t('fleet.volume.waiting', { at: time(v.requestedAt) });
              return t(v.heard ? 'fleet.volume.heard' : 'fleet.volume.notHeard', { at: time(v.answeredAt) });
            },
          },
          {
            header: t('fleet.colActions'),
            cell: (x) =>
              x.revoked ? null : (
                <div className="actions">
                  <RowButtons
                    name={x.householdName}
                    actions={[
                      // A volume test and a restart reach only a terminal that is connected now.
                      x.online && {
                        label: t('fleet.volumeTest'),
                        onClick: () => void volumeTest(x),
                        testId: 'fleet-volume-test',
                      },
                      x.online && {
                        label: t('fleet.restart'),
                        onClick: () => ask('restart', x),
                        testId: 'fleet-restart',
                      },
                      {
                        label: t('fleet.replace'),
                        danger: true,
                        onClick: () => ask('replace', x),
                        testId: 'fleet-replace',
                      },
                    ]}
                  />
                </div>
              ),
          },
        ]}
      />
      {confirm.dialog}
      {issued ? (
        <EnrollmentCodeDialog
          household={issued.household}
          issued={issued.issued}
          error={null}
          district={districtName(issued.household.districtId)}
          language={i18n.language}
          onClose={() => setIssued(null)}
        />
      ) : null}
    </Page>
  );
}
