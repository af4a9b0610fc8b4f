/** Administrators: API keys for machine clients — list, create (the key is shown once), revoke, and how announcements from each are handled. */
import type { ApiKey, CreatedApiKey, SenderPolicy, StaffRole } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { actionsColumn, DataTable } from '../../shell/DataTable';
import { FormDialog, RoleField, TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { Button, ErrorMessage, Modal, StatusMessage, useLoad, usePageActions } from '../../shell/ui';
import { DEFAULT_POLICY, SenderPolicyDialog, SendingSummary } from './SenderPolicyDialog';

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const state = useLoad(() => api.call('GET /api/api-keys').then((r) => r.apiKeys), []);
  const policies = useLoad(() => api.call('GET /api/announcements/sender-policies').then((r) => r.policies), []);
  const policyOf = (k: ApiKey) => policies.data?.find((p) => p.apiKeyId === k.id) ?? DEFAULT_POLICY;
  const [editingPolicy, setEditingPolicy] = useState<ApiKey | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const page = usePageActions('api-keys-status');
  const revoke = (k: ApiKey) =>
    page.askFirst(
      { label: t('apiKeys.revoke'), danger: true, testId: 'revoke-api-key' },
      {
        title: t('apiKeys.confirmRevokeTitle'),
        body: t('apiKeys.confirmRevokeBody', { name: k.name }),
        run: async () => {
          await api.call('DELETE /api/api-keys/:id', { params: { id: k.id } });
          page.say(t('apiKeys.revokedDone', { name: k.name }));
          state.reload();
        },
      },
    );

  return (
    <Page
      id="api-keys"
      title={t('apiKeys.title')}
      intro={t('apiKeys.intro')}
      actions={[
        { label: t('apiKeys.create'), onClick: () => setCreating(true), testId: 'create-api-key', primary: true },
      ]}
    >
      {page.notices}
      <DataTable
        state={state}
        caption={t('apiKeys.title')}
        testId="api-keys-table"
        empty={t('apiKeys.empty')}
        rows={state.data ?? []}
        rowData={(k) => ({ 'data-testid': 'api-key-row', 'data-name': k.name })}
        columns={[
          { header: t('apiKeys.colName'), rowHeader: true, cell: (k) => k.name },
          { header: t('apiKeys.colRole'), cell: (k) => t(`roles.${k.role}`) },
          { header: t('apiKeys.colPrefix'), className: 'mono', cell: (k) => `${k.prefix}…` },
          {
            header: t('apiKeys.colCreated'),
            className: 'nowrap',
            cell: (k) => formatDateTime(k.createdAt, i18n.language),
          },
          {
            header: t('apiKeys.colStatus'),
            cell: (k) =>
              k.revokedAt ? (
                <span className="state state-revoked">
                  {t('apiKeys.revokedAt', { at: formatDateTime(k.revokedAt, i18n.language) })}
                </span>
              ) : (
                t('apiKeys.active')
              ),
          },
          {
            header: t('apiKeys.colSending'),
            testId: () => 'api-key-sending',
            cell: (k) => (k.role === 'cityhall' ? <SendingSummary policy={policyOf(k)} /> : null),
          },
          actionsColumn(
            t('apiKeys.colActions'),
            (k: ApiKey) => k.name,
            (k) =>
              k.revokedAt
                ? []
                : [
                    k.role === 'cityhall' && {
                      label: t('apiKeys.editSending'),
                      onClick: () => setEditingPolicy(k),
                      testId: 'edit-sender-policy',
                    },
                    revoke(k),
                  ],
          ),
        ]}
      />
      {creating ? (
        <CreateApiKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            state.set((d) => [...(d ?? []), c.apiKey]);
          }}
        />
      ) : null}
      {created ? <CreatedKeyDialog created={created} onClose={() => setCreated(null)} /> : null}
      {editingPolicy ? (
        <SenderPolicyDialog
          apiKey={editingPolicy}
          policy={policyOf(editingPolicy)}
          onClose={() => setEditingPolicy(null)}
          onSaved={(saved: SenderPolicy) => {
            policies.set((d) => [...(d ?? []).filter((p) => p.apiKeyId !== saved.apiKeyId), saved]);
            page.say(t('apiKeys.sendingSaved', { name: editingPolicy.name }));
            setEditingPolicy(null);
          }}
        />
      ) : null}
      {page.dialog}
    </Page>
  );
}

function CreateApiKeyDialog(props: { onClose(): void; onCreated(created: CreatedApiKey): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const form = useFormFields({ name: '', role: 'cityhall' as StaffRole });
  const { name, role } = form.values;
  return (
    <FormDialog
      title={t('apiKeys.create')}
      onClose={props.onClose}
      testId="create-api-key-dialog"
      submitLabel={t('common.create')}
      submitTestId="create-api-key-submit"
      ready={name.trim() !== ''}
      onSubmit={async () =>
        props.onCreated(await api.call('POST /api/api-keys', { body: { name: name.trim(), role } }))
      }
    >
      <TextField label={t('apiKeys.fieldName')} {...form.field('name')} required maxLength={120} />
      <RoleField label={t('apiKeys.fieldRole')} {...form.field('role')} />
    </FormDialog>
  );
}

function CreatedKeyDialog({ created, onClose }: { created: CreatedApiKey; onClose(): void }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<'copied' | 'failed' | null>(null);
  const doCopy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };
  return (
    <Modal
      title={t('apiKeys.createdTitle')}
      onClose={onClose}
      testId="api-key-created"
      actions={<Button onClick={() => void doCopy()}>{t('apiKeys.copy')}</Button>}
    >
      <p className="message message-warn">{t('apiKeys.createdOnce')}</p>
      <p>
        <strong>{created.apiKey.name}</strong>
      </p>
      <label className="visually-hidden" htmlFor="created-api-key">
        {created.apiKey.name}
      </label>
      <textarea
        id="created-api-key"
        className="secret mono"
        readOnly
        value={created.key}
        rows={2}
        data-testid="api-key-secret"
        onFocus={(e) => e.currentTarget.select()}
      />
      {copy === 'copied' ? <StatusMessage>{t('apiKeys.copied')}</StatusMessage> : null}
      {copy === 'failed' ? <ErrorMessage error={t('apiKeys.copyFailed')} /> : null}
    </Modal>
  );
}
