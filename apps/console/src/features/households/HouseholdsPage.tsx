/**
 * Households and their terminals. City hall sees every household, issues enrollment codes and
 * revokes terminals; a watcher sees the households assigned to them (the hub filters the list).
 * Terminal presence is kept live through the staff socket's `terminal:presenceChanged`.
 */
import type { District, EnrollmentCodeIssued, Household } from '@tsunagu/protocol';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { useSession } from '../../session';
import { DataTable, type RowAction, RowButtons } from '../../shell/DataTable';
import { CheckField, SelectField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, LoadState, StatusMessage, useConfirm, useLoad } from '../../shell/ui';
import { EnrollmentCodeDialog } from './EnrollmentCodeDialog';
import { CloseHouseholdDialog, HouseholdDialog } from './HouseholdDialog';
import { HouseholdName } from './HouseholdName';
import { HouseholdWatchersDialog } from './HouseholdWatchersDialog';
import { ImportDialog } from './ImportDialog';
import { useHouseholdMessages } from './messages';
import { PlanDialog } from './PlanDialog';
import { PrivacyDialog } from './PrivacyDialog';
import { usePrivacyMessages } from './privacy-messages';
import { offlineFor, TerminalState } from './TerminalState';

interface Data {
  households: Household[];
  districts: District[];
}

/** Six row actions wrap in two rows, so names and addresses keep room to be read. */
const HOUSEHOLDS_CSS = `
.household-actions > div { display: flex; flex-wrap: wrap; gap: 0.4rem; width: 19rem; }
.col-name { min-width: 7rem; }
.col-address { min-width: 11rem; }
.plan-choices .check { margin-right: 1.5rem; }
.timeline { padding-left: 1.2rem; }
.timeline-time { display: inline-block; min-width: 7rem; font-weight: bold; }
.privacy-section { margin-top: 1.5rem; }
.privacy-downloads { display: flex; flex-wrap: wrap; gap: 0.6rem; }
`;

const OFFLINE_HOURS = [-1, 0, 1, 6, 24, 72] as const;

type OpenDialog =
  | { dialog: 'edit'; household: Household | null }
  | { dialog: 'close' | 'watchers' | 'plan' | 'privacy'; household: Household }
  | { dialog: 'import' };

export function HouseholdsPage({ mode }: { mode: 'cityhall' | 'watcher' }) {
  const { t, i18n } = useTranslation();
  const { api, user } = useSession();
  const [includeClosed, setIncludeClosed] = useState(false);
  const state = useLoad<Data>(async () => {
    const [h, d] = await Promise.all([
      api.call('GET /api/households', includeClosed ? { query: { includeClosed: true } } : {}),
      api.call('GET /api/districts'),
    ]);
    return { households: h.households, districts: d.districts };
  }, [includeClosed]);
  const th = useHouseholdMessages();
  const tp = usePrivacyMessages().t;
  /** The one dialog open over the page (privacy, for administrators only: who read the data, export, erasure). */
  const [open, setOpen] = useState<OpenDialog | null>(null);
  const shut = () => setOpen(null);
  const [districtId, setDistrictId] = useState<number | 0>(0);
  const [onlyAssistance, setOnlyAssistance] = useState(false);
  /** -1: every household; 0: terminals offline now; N: offline for N hours or more (the fleet's stragglers). */
  const [offlineHours, setOfflineHours] = useState(-1);
  const [issuing, setIssuing] = useState<{
    household: Household;
    issued: EnrollmentCodeIssued | null;
    error: unknown;
  } | null>(null);
  const confirm = useConfirm();
  const [status, setStatus] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  /** Changes a household's terminal in the list shown (a live presence change, a revocation). */
  const setTerminal = (householdId: number, change: Partial<NonNullable<Household['terminal']>>) =>
    state.set(
      (d) =>
        d && {
          ...d,
          households: d.households.map((h) =>
            h.id === householdId && h.terminal ? { ...h, terminal: { ...h.terminal, ...change } } : h,
          ),
        },
    );

  useStaffEvent('terminal:presenceChanged', ({ changes }) => {
    const households = state.data?.households ?? [];
    const byId = new Map(households.map((h) => [h.id, h]));
    // A terminal we have not seen yet (just enrolled): fetch the list again, once for the batch.
    const unknown = changes.some((p) => {
      const known = byId.get(p.householdId);
      return (!known && mode === 'cityhall') || (known && known.terminal?.id !== p.terminalId);
    });
    if (unknown) return state.reload();
    // In order: a terminal that went offline and came back in one batch ends online. One update for the batch.
    const latest = new Map(changes.map((p) => [p.householdId, p]));
    state.set(
      (d) =>
        d && {
          ...d,
          households: d.households.map((h) => {
            const p = latest.get(h.id);
            return p && h.terminal
              ? { ...h, terminal: { ...h.terminal, online: p.online, lastSeenAt: p.lastSeenAt } }
              : h;
          }),
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
      (offlineHours < 0 || offlineFor(h, offlineHours)),
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
    setActionError(null);
    setStatus(t('revoke.done', { name: household.name }));
    setTerminal(household.id, { revoked: true, online: false });
  };

  /** After a write (in a dialog: it closes): say what was done and read the list again. */
  const done = (message: string) => {
    setOpen(null);
    setActionError(null);
    setStatus(message);
    state.reload();
  };
  const reopen = async (household: Household) => {
    try {
      await api.call('POST /api/households/:id/reopen', { params: { id: household.id } });
      done(th('household.reopened', { name: household.name }));
    } catch (error) {
      setActionError(error);
    }
  };

  const closedActions = (h: Household): RowAction[] => [
    { label: th('household.reopen'), onClick: () => void reopen(h), testId: 'reopen-household' },
  ];
  const openActions = (h: Household): (RowAction | false)[] => [
    { label: th('household.edit'), onClick: () => setOpen({ dialog: 'edit', household: h }), testId: 'edit-household' },
    {
      label: th('household.watchers.open'),
      onClick: () => setOpen({ dialog: 'watchers', household: h }),
      testId: 'household-watchers',
    },
    {
      label: th('household.plan.open'),
      onClick: () => setOpen({ dialog: 'plan', household: h }),
      testId: 'household-plan',
    },
    { label: t('households.issueCode'), onClick: () => void issue(h), testId: 'issue-code' },
    !!h.terminal &&
      !h.terminal.revoked && {
        label: t('households.revoke'),
        danger: true,
        onClick: () =>
          confirm.ask({
            title: t('revoke.title'),
            body: t('revoke.body', { name: h.name }),
            confirmLabel: t('revoke.confirm'),
            run: () => revoke(h),
            testId: 'revoke-dialog',
          }),
        testId: 'revoke-terminal',
      },
    {
      label: th('household.close'),
      danger: true,
      onClick: () => setOpen({ dialog: 'close', household: h }),
      testId: 'close-household',
    },
  ];

  const title = mode === 'cityhall' ? t('households.title') : t('households.watcherTitle');
  return (
    <Page
      id="households"
      title={title}
      intro={mode === 'watcher' ? t('households.watcherIntro') : null}
      css={HOUSEHOLDS_CSS}
      actions={
        mode === 'cityhall'
          ? [
              {
                label: th('household.create'),
                onClick: () => setOpen({ dialog: 'edit', household: null }),
                testId: 'create-household',
                primary: true,
              },
              {
                label: th('household.import.open'),
                onClick: () => setOpen({ dialog: 'import' }),
                testId: 'import-households',
              },
            ]
          : []
      }
    >
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
          <SelectField
            label={th('household.offline.label')}
            value={offlineHours}
            onChange={setOfflineHours}
            data-testid="filter-offline"
            options={OFFLINE_HOURS.map((hours) => ({
              value: hours,
              label:
                hours < 0
                  ? th('household.offline.all')
                  : hours === 0
                    ? th('household.offline.any')
                    : th('household.offline.hours', { hours }),
            }))}
          />
          {mode === 'cityhall' ? (
            <>
              <CheckField
                label={th('household.showClosed')}
                checked={includeClosed}
                onChange={setIncludeClosed}
                testId="filter-closed"
              />
              <a
                className="button"
                href={api.link('GET /api/households/export.csv', {
                  query: districtId ? { districtId, includeClosed } : { includeClosed },
                })}
                download
                data-testid="export-households"
              >
                {th('household.export')}
              </a>
            </>
          ) : null}
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
          rowData={(h) => ({ 'data-testid': 'household-row', 'data-household-id': h.id })}
          columns={[
            {
              header: t('households.colName'),
              rowHeader: true,
              className: 'col-name',
              cell: (h) => <HouseholdName household={h} />,
            },
            { header: t('households.colDistrict'), cell: (h) => districtName(h.districtId) },
            { header: t('households.colAddress'), className: 'col-address', cell: (h) => h.address },
            { header: t('households.colPhone'), className: 'nowrap', cell: (h) => h.phone ?? t('common.none') },
            {
              header: t('households.colAssistance'),
              cell: (h) =>
                h.needsAssistance ? (
                  <>
                    <span className="tag tag-warn">{t('households.needsAssistance')}</span>
                    {h.assistanceReason ? <span className="cell-sub">{h.assistanceReason}</span> : null}
                  </>
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
              className: 'household-actions',
              cell: (h) => (
                <div>
                  <RowButtons
                    name={h.name}
                    actions={[
                      user.admin && {
                        label: tp('privacy.open'),
                        onClick: () => setOpen({ dialog: 'privacy', household: h }),
                        testId: 'household-privacy',
                      },
                      ...(h.closedAt ? closedActions(h) : openActions(h)),
                    ]}
                  />
                </div>
              ),
            },
          ]}
        />
      </LoadState>
      {issuing ? (
        <EnrollmentCodeDialog
          {...issuing}
          district={districtName(issuing.household.districtId)}
          language={i18n.language}
          onClose={() => setIssuing(null)}
        />
      ) : null}
      {open?.dialog === 'edit' ? (
        <HouseholdDialog
          household={open.household}
          districts={state.data?.districts ?? []}
          onClose={shut}
          onSaved={(saved, created) =>
            done(th(created ? 'household.created' : 'household.saved', { name: saved.name }))
          }
        />
      ) : null}
      {open?.dialog === 'close' ? (
        <CloseHouseholdDialog
          household={open.household}
          onClose={shut}
          onClosed={(closed) => done(th('household.closed', { name: closed.name }))}
        />
      ) : null}
      {open?.dialog === 'import' ? (
        <ImportDialog onClose={shut} onImported={(count) => done(th('household.import.done', { count }))} />
      ) : null}
      {open?.dialog === 'watchers' ? (
        <HouseholdWatchersDialog household={open.household} onChanged={state.reload} onClose={shut} />
      ) : null}
      {open?.dialog === 'plan' ? (
        <PlanDialog
          household={open.household}
          onClose={shut}
          onSaved={(message) => {
            shut();
            setStatus(message);
          }}
        />
      ) : null}
      {open?.dialog === 'privacy' ? (
        <PrivacyDialog
          household={open.household}
          onClose={shut}
          onErased={(erased) =>
            done(
              tp('privacy.erased', {
                id: erased.householdId,
                residents: erased.residents,
                watchers: erased.watchersRemoved,
              }),
            )
          }
        />
      ) : null}
      {confirm.dialog}
    </Page>
  );
}
