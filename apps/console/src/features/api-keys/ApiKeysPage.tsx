/** Administrators: API keys for machine clients — list, create (the key is shown once), revoke, and how announcements from each are handled. */
import { type ApiKey, type CreatedApiKey, type SenderPolicy, STAFF_ROLES, type StaffRole } from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import {
  ConfirmDialog,
  ErrorMessage,
  Field,
  FormActions,
  ForName,
  LoadState,
  Modal,
  StatusMessage,
  useLoad,
} from '../../shell/ui';
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
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  return (
    <section aria-labelledby="api-keys-title">
      <div className="page-head">
        <h1 id="api-keys-title">{t('apiKeys.title')}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setCreating(true)}
          data-testid="create-api-key"
        >
          {t('apiKeys.create')}
        </button>
      </div>
      <p>{t('apiKeys.intro')}</p>
      <StatusMessage testId="api-keys-status">{status}</StatusMessage>
      <LoadState state={state}>
        {state.data && state.data.length === 0 ? (
          <p>{t('apiKeys.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="api-keys-table">
              <caption className="visually-hidden">{t('apiKeys.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('apiKeys.colName')}</th>
                  <th scope="col">{t('apiKeys.colRole')}</th>
                  <th scope="col">{t('apiKeys.colPrefix')}</th>
                  <th scope="col">{t('apiKeys.colCreated')}</th>
                  <th scope="col">{t('apiKeys.colStatus')}</th>
                  <th scope="col">{t('apiKeys.colSending')}</th>
                  <th scope="col">{t('apiKeys.colActions')}</th>
                </tr>
              </thead>
              <tbody>
                {(state.data ?? []).map((k) => (
                  <tr key={k.id} data-testid="api-key-row" data-name={k.name}>
                    <th scope="row">{k.name}</th>
                    <td>{t(`roles.${k.role}`)}</td>
                    <td className="mono">{k.prefix}…</td>
                    <td className="nowrap">{formatDateTime(k.createdAt, i18n.language)}</td>
                    <td>
                      {k.revokedAt ? (
                        <span className="state state-revoked">
                          {t('apiKeys.revokedAt', { at: formatDateTime(k.revokedAt, i18n.language) })}
                        </span>
                      ) : (
                        t('apiKeys.active')
                      )}
                    </td>
                    <td data-testid="api-key-sending">
                      {k.role === 'cityhall' ? <SendingSummary policy={policyOf(k)} /> : null}
                    </td>
                    <td className="actions">
                      {k.revokedAt || k.role !== 'cityhall' ? null : (
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditingPolicy(k)}
                          data-testid="edit-sender-policy"
                        >
                          {t('apiKeys.editSending')}
                          <ForName name={k.name} />
                        </button>
                      )}
                      {k.revokedAt ? null : (
                        <button
                          type="button"
                          className="button button-small button-danger-outline"
                          onClick={() => setRevoking(k)}
                          data-testid="revoke-api-key"
                        >
                          {t('apiKeys.revoke')}
                          <ForName name={k.name} />
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
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
            setStatus(t('apiKeys.sendingSaved', { name: editingPolicy.name }));
            setEditingPolicy(null);
          }}
        />
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={t('apiKeys.confirmRevokeTitle')}
          body={t('apiKeys.confirmRevokeBody', { name: revoking.name })}
          confirmLabel={t('apiKeys.revoke')}
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            await api.call('DELETE /api/api-keys/:id', { params: { id: revoking.id } });
            setStatus(t('apiKeys.revokedDone', { name: revoking.name }));
            setRevoking(null);
            state.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function CreateApiKeyDialog(props: { onClose(): void; onCreated(created: CreatedApiKey): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('cityhall');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await api.call('POST /api/api-keys', { body: { name: name.trim(), role } }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('apiKeys.create')}
      onClose={props.onClose}
      closeLabel={t('common.cancel')}
      testId="create-api-key-dialog"
      hideFooter
    >
      <form onSubmit={submit} className="form">
        <Field label={t('apiKeys.fieldName')}>
          {({ id }) => (
            <input
              id={id}
              name="name"
              required
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('apiKeys.fieldRole')}>
          {({ id }) => (
            <select id={id} name="role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
              {STAFF_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorMessage error={error} />
        <FormActions
          onCancel={props.onClose}
          submitLabel={t('common.create')}
          disabled={busy || !name.trim()}
          testId="create-api-key-submit"
        />
      </form>
    </Modal>
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
      actions={
        <button type="button" className="button" onClick={() => void doCopy()}>
          {t('apiKeys.copy')}
        </button>
      }
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
