/**
 * Households and their terminals. City hall sees every household, issues enrollment codes and
 * revokes terminals; a watcher sees the households assigned to them (the hub filters the list).
 * Terminal presence is kept live through the staff socket's `terminal:presenceChanged`.
 */
import type { District, EnrollmentCodeIssued, Household } from '@tsunagu/protocol';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { CheckField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ConfirmDialog, ErrorMessage, LoadState, Modal, StatusMessage, useLoad } from '../../shell/ui';

interface Data {
  households: Household[];
  districts: District[];
}

export function HouseholdsPage({ mode }: { mode: 'cityhall' | 'watcher' }) {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const state = useLoad<Data>(async () => {
    const [h, d] = await Promise.all([api.call('GET /api/households'), api.call('GET /api/districts')]);
    return { households: h.households, districts: d.districts };
  }, []);
  const [districtId, setDistrictId] = useState<number | 0>(0);
  const [onlyAssistance, setOnlyAssistance] = useState(false);
  const [onlyOffline, setOnlyOffline] = useState(false);
  const [issuing, setIssuing] = useState<{
    household: Household;
    issued: EnrollmentCodeIssued | null;
    error: unknown;
  } | null>(null);
  const [revoking, setRevoking] = useState<Household | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  useStaffEvent('terminal:presenceChanged', (p) => {
    const known = state.data?.households.find((h) => h.id === p.householdId);
    // A terminal we have not seen yet (just enrolled): fetch the list again.
    if (!known || known.terminal?.id !== p.terminalId) {
      if (known || mode === 'cityhall') state.reload();
      return;
    }
    state.set(
      (d) =>
        d && {
          ...d,
          households: d.households.map((h) =>
            h.id === p.householdId && h.terminal
              ? { ...h, terminal: { ...h.terminal, online: p.online, lastSeenAt: p.lastSeenAt } }
              : h,
          ),
        },
    );
  });
  useStaffReconnect(state.reload);

  const districtName = useMemo(() => {
    const names = new Map<number, string>();
    for (const d of state.data?.districts ?? []) names.set(d.id, i18n.language === 'en' ? d.nameEn : d.name);
    return (id: number) => names.get(id) ?? String(id);
  }, [state.data, i18n.language]);

  const all = state.data?.households ?? [];
  const shown = all.filter(
    (h) =>
      (districtId === 0 || h.districtId === districtId) &&
      (!onlyAssistance || h.needsAssistance) &&
      (!onlyOffline || (h.terminal !== null && !h.terminal.revoked && !h.terminal.online)),
  );
  const onlineCount = all.filter((h) => h.terminal?.online).length;
  const districts = (state.data?.districts ?? []).filter(
    (d) => mode === 'cityhall' || all.some((h) => h.districtId === d.id),
  );

  const issue = async (household: Household) => {
    setIssuing({ household, issued: null, error: null });
    try {
      const issued = await api.call('POST /api/households/:id/enrollment-codes', {
        params: { id: household.id },
        body: {},
      });
      setIssuing({ household, issued, error: null });
    } catch (error) {
      setIssuing({ household, issued: null, error });
    }
  };

  const revoke = async (household: Household) => {
    const terminal = household.terminal;
    if (!terminal) return;
    await api.call('POST /api/terminals/:id/revoke', { params: { id: terminal.id } });
    setRevoking(null);
    setActionError(null);
    setStatus(t('revoke.done', { name: household.name }));
    state.set(
      (d) =>
        d && {
          ...d,
          households: d.households.map((h) =>
            h.id === household.id && h.terminal
              ? { ...h, terminal: { ...h.terminal, revoked: true, online: false } }
              : h,
          ),
        },
    );
  };

  const title = mode === 'cityhall' ? t('households.title') : t('households.watcherTitle');
  return (
    <Page id="households" title={title} intro={mode === 'watcher' ? t('households.watcherIntro') : null}>
      <LoadState state={state}>
        <div className="toolbar">
          <div className="field field-inline">
            <label htmlFor="district-filter">{t('households.filterDistrict')}</label>
            <select
              id="district-filter"
              value={districtId}
              onChange={(e) => setDistrictId(Number(e.target.value))}
              data-testid="district-filter"
            >
              <option value={0}>{t('households.allDistricts')}</option>
              {districts.map((d) => (
                <option key={d.id} value={d.id}>
                  {i18n.language === 'en' ? d.nameEn : d.name}
                </option>
              ))}
            </select>
          </div>
          <CheckField
            label={t('households.filterAssistance')}
            checked={onlyAssistance}
            onChange={setOnlyAssistance}
            testId="filter-assistance"
          />
          <CheckField
            label={t('households.filterOffline')}
            checked={onlyOffline}
            onChange={setOnlyOffline}
            testId="filter-offline"
          />
        </div>
        <p className="summary" data-testid="households-summary">
          {t('households.summary', { shown: shown.length, total: all.length, online: onlineCount })}
        </p>
        <StatusMessage testId="households-status">{status}</StatusMessage>
        <ErrorMessage error={actionError} />
        <DataTable
          caption={title}
          testId="households-table"
          empty={all.length === 0 && mode === 'watcher' ? t('households.emptyWatcher') : t('households.empty')}
          rows={shown}
          rowKey={(h) => h.id}
          rowData={(h) => ({ 'data-testid': 'household-row', 'data-household-id': h.id })}
          columns={[
            {
              header: t('households.colName'),
              rowHeader: true,
              cell: (h) => (
                <>
                  <span className="cell-title">{h.name}</span>
                  {h.residents.length > 0 && !(h.residents.length === 1 && h.residents[0]?.name === h.name) ? (
                    <span className="cell-sub">{h.residents.map((r) => r.name).join('、')}</span>
                  ) : null}
                  {h.notes ? <span className="cell-sub">{h.notes}</span> : null}
                </>
              ),
            },
            { header: t('households.colDistrict'), cell: (h) => districtName(h.districtId) },
            { header: t('households.colAddress'), cell: (h) => h.address },
            { header: t('households.colPhone'), className: 'nowrap', cell: (h) => h.phone ?? t('common.none') },
            {
              header: t('households.colAssistance'),
              cell: (h) =>
                h.needsAssistance ? (
                  <span className="tag tag-warn">{t('households.needsAssistance')}</span>
                ) : (
                  <span className="visually-hidden">{t('common.no')}</span>
                ),
            },
            {
              header: t('households.colTerminal'),
              cell: (h) => <TerminalState household={h} language={i18n.language} />,
            },
            mode === 'cityhall' && {
              header: t('households.colActions'),
              className: 'actions',
              cell: (h) => (
                <>
                  <RowButton
                    label={t('households.issueCode')}
                    name={h.name}
                    onClick={() => void issue(h)}
                    testId="issue-code"
                  />
                  {h.terminal && !h.terminal.revoked ? (
                    <RowButton
                      label={t('households.revoke')}
                      name={h.name}
                      danger
                      onClick={() => setRevoking(h)}
                      testId="revoke-terminal"
                    />
                  ) : null}
                </>
              ),
            },
          ]}
        />
      </LoadState>
      {issuing ? <EnrollmentCodeDialog {...issuing} language={i18n.language} onClose={() => setIssuing(null)} /> : null}
      {revoking ? (
        <ConfirmDialog
          title={t('revoke.title')}
          body={t('revoke.body', { name: revoking.name })}
          confirmLabel={t('revoke.confirm')}
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(null)}
          testId="revoke-dialog"
        />
      ) : null}
    </Page>
  );
}

function TerminalState({ household, language }: { household: Household; language: string }) {
  const { t } = useTranslation();
  const term = household.terminal;
  if (!term) return <span className="state state-none">{t('households.noTerminal')}</span>;
  if (term.revoked)
    return (
      <span className="state state-revoked" data-testid="terminal-state" data-state="revoked">
        {t('households.revoked')}
      </span>
    );
  return (
    <span className="terminal-state" data-testid="terminal-state" data-state={term.online ? 'online' : 'offline'}>
      <span className={`state ${term.online ? 'state-online' : 'state-offline'}`}>
        <span className="state-dot" aria-hidden="true" />
        {term.online ? t('households.online') : t('households.offline')}
      </span>
      <span className="cell-sub">
        {term.lastSeenAt
          ? t('households.lastSeen', { at: formatDateTime(term.lastSeenAt, language) })
          : t('households.neverSeen')}
      </span>
    </span>
  );
}

function EnrollmentCodeDialog(props: {
  household: Household;
  issued: EnrollmentCodeIssued | null;
  error: unknown;
  language: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { issued } = props;
  return (
    <Modal title={t('enrollment.title')} onClose={props.onClose} testId="enrollment-dialog">
      <p>{t('enrollment.for', { name: props.household.name })}</p>
      <ErrorMessage error={props.error} />
      {issued ? (
        <>
          <p className="code-label">{t('enrollment.codeLabel')}</p>
          {/* Digits read one by one by screen readers; shown in two groups of four for reading aloud over the phone. */}
          <p className="enrollment-code" data-testid="enrollment-code" data-code={issued.code}>
            <span aria-hidden="true">{issued.code.slice(0, 4)}</span>
            <span aria-hidden="true">{issued.code.slice(4)}</span>
            <span className="visually-hidden">{issued.code.split('').join(' ')}</span>
          </p>
          <p data-testid="enrollment-expiry">
            {t('enrollment.expires', { at: formatDateTime(issued.expiresAt, props.language) })}
          </p>
          <p>{t('enrollment.howTo')}</p>
        </>
      ) : props.error ? null : (
        <p role="status">{t('app.loading')}</p>
      )}
    </Modal>
  );
}
