/**
 * The household's watchers from the household page: who is told in which order when a check-in is
 * late, adding one (or a new watcher account, with its invitation code) and removing one.
 */
import type { Household, Watcher, WatcherInvitation } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { SelectField } from '../../shell/form';
import { Button, ErrorMessage, LoadState, Modal, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { CreateWatcherDialog, InvitationDialog } from '../watchers/WatcherDialogs';
import { useHouseholdMessages } from './messages';

const LEVELS = [1, 2, 3] as const;

export function HouseholdWatchersDialog(props: { household: Household; onChanged(): void; onClose(): void }) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const { household } = props;
  const state = useLoad(async () => (await api.call('GET /api/watchers')).watchers, []);
  const [userId, setUserId] = useState(0);
  const [level, setLevel] = useState<1 | 2 | 3>(1);
  const [creating, setCreating] = useState(false);
  const [invitation, setInvitation] = useState<WatcherInvitation | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();

  const levelHere = (w: Watcher) => w.households.find((h) => h.householdId === household.id)?.level;
  const all = state.data ?? [];
  const assigned = all.filter((w) => levelHere(w) !== undefined).sort((a, b) => levelHere(a)! - levelHere(b)!);
  const candidates = all.filter((w) => !w.disabled && levelHere(w) === undefined);

  const add = () =>
    action.run(async () => {
      const w = all.find((x) => x.id === userId);
      if (!w) return;
      await api.call('POST /api/households/:id/watchers', { params: { id: household.id }, body: { userId, level } });
      setStatus(t('household.watchers.added', { name: w.displayName, level }));
      setUserId(0);
      state.reload();
      props.onChanged();
    });
  const remove = (w: Watcher) =>
    action.run(async () => {
      await api.call('DELETE /api/households/:id/watchers/:userId', { params: { id: household.id, userId: w.id } });
      setStatus(t('household.watchers.removed', { name: w.displayName }));
      state.reload();
      props.onChanged();
    });
  const created = (i: WatcherInvitation) => {
    setCreating(false);
    setInvitation(i);
    state.set((list) => [...(list ?? []), i.watcher]);
    setUserId(i.watcher.id);
  };

  return (
    <>
      <Modal
        title={t('household.watchers.title', { name: household.name })}
        onClose={props.onClose}
        testId="household-watchers-dialog"
      >
        <p>{t('household.watchers.intro')}</p>
        <StatusMessage testId="household-watchers-status">{status}</StatusMessage>
        <ErrorMessage error={action.error} />
        <LoadState state={state}>
          <DataTable
            caption={t('household.watchers.title', { name: household.name })}
            testId="household-watchers"
            compact
            empty={t('household.watchers.empty')}
            rows={assigned}
            rowData={(w) => ({ 'data-testid': 'household-watcher', 'data-username': w.username })}
            columns={[
              {
                header: t('household.watchers.colLevel'),
                cell: (w) => t('household.watchers.level', { level: levelHere(w) }),
              },
              { header: t('household.watchers.colName'), rowHeader: true, cell: (w) => w.displayName },
              {
                header: t('household.watchers.colKind'),
                cell: (w) => (w.watcherKind ? t(`watcherKinds.${w.watcherKind}`) : ''),
              },
              {
                header: t('households.colActions'),
                className: 'actions',
                cell: (w) => (
                  <RowButton
                    label={t('household.watchers.remove')}
                    name={w.displayName}
                    danger
                    onClick={() => void remove(w)}
                    testId="remove-watcher"
                  />
                ),
              },
            ]}
          />
          <div className="toolbar">
            <SelectField
              label={t('household.watchers.who')}
              value={userId}
              onChange={setUserId}
              data-testid="watcher-choice"
              options={[
                { value: 0, label: t('household.watchers.choose') },
                ...candidates.map((w) => ({
                  value: w.id,
                  label: w.watcherKind ? `${w.displayName}（${t(`watcherKinds.${w.watcherKind}`)}）` : w.displayName,
                })),
              ]}
            />
            <SelectField
              label={t('household.watchers.levelField')}
              value={level}
              onChange={setLevel}
              data-testid="watcher-level"
              options={LEVELS.map((l) => ({ value: l, label: t('household.watchers.level', { level: l }) }))}
            />
            <Button
              look="primary"
              disabled={userId === 0 || action.busy}
              onClick={() => void add()}
              testId="add-watcher"
            >
              {t('household.watchers.add')}
            </Button>
          </div>
          <Button onClick={() => setCreating(true)} testId="new-watcher">
            {t('household.watchers.newWatcher')}
          </Button>
        </LoadState>
      </Modal>
      {creating ? <CreateWatcherDialog onCreated={created} onClose={() => setCreating(false)} /> : null}
      {invitation ? <InvitationDialog invitation={invitation} onClose={() => setInvitation(null)} /> : null}
    </>
  );
}
