/**
 * City hall: every watcher with the households they watch (and in which order they are told),
 * new watcher accounts with an invitation code, a new code, switching a watcher off and on.
 */
import type { Watcher, WatcherInvitation } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { actionsColumn, DataTable } from '../../shell/DataTable';
import { Page } from '../../shell/Page';
import { useLoad, usePageActions } from '../../shell/ui';
import { useWatchersMessages } from './messages';
import { CreateWatcherDialog, InvitationDialog } from './WatcherDialogs';

export function WatchersPage() {
  const t = useWatchersMessages();
  const { api } = useSession();
  const state = useLoad(async () => (await api.call('GET /api/watchers')).watchers, []);
  const [creating, setCreating] = useState(false);
  const [invitation, setInvitation] = useState<WatcherInvitation | null>(null);
  const page = usePageActions('watchers-status');

  const replace = (w: Watcher) =>
    state.set((list) =>
      list?.some((x) => x.id === w.id) ? list.map((x) => (x.id === w.id ? w : x)) : [...(list ?? []), w],
    );
  const showInvitation = (i: WatcherInvitation) => {
    replace(i.watcher);
    setCreating(false);
    setInvitation(i);
  };
  const setDisabled = async (w: Watcher, disabled: boolean) => {
    replace(await api.call('PATCH /api/watchers/:id', { params: { id: w.id }, body: { disabled } }));
    page.say(t(disabled ? 'watchers.disabledDone' : 'watchers.enabledDone', { name: w.displayName }));
  };

  return (
    <Page
      id="watchers"
      title={t('watchers.title')}
      intro={t('watchers.intro')}
      css=".plain-list { list-style: none; margin: 0; padding: 0; } .plain-list li { display: inline; } .plain-list li + li::before { content: '、'; }"
      actions={[
        { label: t('watchers.create'), onClick: () => setCreating(true), testId: 'create-watcher', primary: true },
      ]}
    >
      {page.notices}
      <DataTable
        state={state}
        caption={t('watchers.title')}
        testId="watchers-table"
        rows={state.data ?? []}
        rowData={(w) => ({ 'data-testid': 'watcher-row', 'data-username': w.username })}
        columns={[
          { header: t('watchers.colName'), rowHeader: true, cell: (w) => w.displayName },
          { header: t('watchers.colKind'), cell: (w) => (w.watcherKind ? t(`watcherKinds.${w.watcherKind}`) : '') },
          {
            header: t('watchers.colHouseholds'),
            cell: (w) =>
              w.households.length === 0 ? (
                <span className="hint">{t('watchers.noHouseholds')}</span>
              ) : (
                <ul className="plain-list">
                  {w.households.map((h) => (
                    <li key={h.householdId}>
                      {h.householdName}（{t('watchers.level', { level: h.level })}）
                    </li>
                  ))}
                </ul>
              ),
          },
          {
            header: t('watchers.colStatus'),
            cell: (w) => <WatcherState watcher={w} />,
          },
          actionsColumn(
            t('watchers.colActions'),
            (w: Watcher) => w.displayName,
            (w) => [
              !w.disabled && {
                label: t('watchers.reinvite'),
                testId: 'reinvite-watcher',
                onClick: () =>
                  void page.run(async () =>
                    showInvitation(await api.call('POST /api/watchers/:id/invitation', { params: { id: w.id } })),
                  ),
              },
              w.disabled
                ? {
                    label: t('watchers.enable'),
                    testId: 'enable-watcher',
                    onClick: () => void page.run(() => setDisabled(w, false)),
                  }
                : page.askFirst(
                    { label: t('watchers.disable'), danger: true, testId: 'disable-watcher' },
                    {
                      title: t('watchers.disableTitle'),
                      body: t('watchers.disableBody', { name: w.displayName }),
                      run: () => setDisabled(w, true),
                      testId: 'disable-watcher-dialog',
                    },
                  ),
            ],
          ),
        ]}
      />
      {creating ? <CreateWatcherDialog onCreated={showInvitation} onClose={() => setCreating(false)} /> : null}
      {invitation ? <InvitationDialog invitation={invitation} onClose={() => setInvitation(null)} /> : null}
      {page.dialog}
    </Page>
  );
}

function WatcherState({ watcher }: { watcher: Watcher }) {
  const t = useWatchersMessages();
  const { i18n } = useTranslation();
  if (watcher.disabled) return <span className="state state-revoked">{t('watchers.disabled')}</span>;
  if (watcher.invitationExpiresAt)
    return (
      <span className="state state-offline" data-testid="watcher-invited">
        {t('watchers.invited', { at: formatDateTime(watcher.invitationExpiresAt, i18n.language) })}
      </span>
    );
  return <span className="state state-online">{t('watchers.active')}</span>;
}
