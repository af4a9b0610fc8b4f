/** Administrators: how announcements and alerts from one API key are handled (its CAP sender, publish or hold). */
import type { ApiKey, SenderPolicy, SenderPolicyBody } from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { ErrorMessage, Field, FormActions, Modal } from '../../shell/ui';

/** What a key without a policy gets: no CAP, everything held for approval. */
export const DEFAULT_POLICY: SenderPolicyBody = { capSender: null, publish: 'hold' };

export function SendingSummary({ policy }: { policy: SenderPolicyBody }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={policy.publish === 'auto' ? 'tag tag-warn' : 'tag'}>
        {policy.publish === 'auto' ? t('apiKeys.publishAuto') : t('apiKeys.publishHold')}
      </span>
      <span className="cell-sub">
        {policy.capSender ? t('apiKeys.capSender', { sender: policy.capSender }) : t('apiKeys.capSenderNone')}
      </span>
    </>
  );
}

export function SenderPolicyDialog(props: {
  apiKey: ApiKey;
  policy: SenderPolicyBody;
  onClose(): void;
  onSaved(policy: SenderPolicy): void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [capSender, setCapSender] = useState(props.policy.capSender ?? '');
  const [publish, setPublish] = useState(props.policy.publish);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: SenderPolicyBody = { capSender: capSender.trim() || null, publish };
      props.onSaved(
        await api.call('PUT /api/announcements/sender-policies/:id', { params: { id: props.apiKey.id }, body }),
      );
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('apiKeys.sendingTitle', { name: props.apiKey.name })}
      onClose={props.onClose}
      closeLabel={t('common.cancel')}
      testId="sender-policy-dialog"
      hideFooter
    >
      <p>{t('apiKeys.sendingIntro')}</p>
      <form onSubmit={submit} className="form">
        <Field label={t('apiKeys.fieldCapSender')}>
          {({ id }) => (
            <input
              id={id}
              name="capSender"
              maxLength={200}
              pattern="[^\s,<&]+"
              value={capSender}
              onChange={(e) => setCapSender(e.target.value)}
            />
          )}
        </Field>
        <fieldset className="choices">
          <legend>{t('apiKeys.fieldPublish')}</legend>
          {(['hold', 'auto'] as const).map((p) => (
            <label key={p} className="check">
              <input
                type="radio"
                name="publish"
                value={p}
                checked={publish === p}
                onChange={() => setPublish(p)}
                data-testid={`publish-${p}`}
              />
              {p === 'auto' ? t('apiKeys.publishAuto') : t('apiKeys.publishHold')}
            </label>
          ))}
        </fieldset>
        <ErrorMessage error={error} />
        <FormActions
          onCancel={props.onClose}
          submitLabel={t('common.save')}
          busy={busy}
          testId="sender-policy-submit"
        />
      </form>
    </Modal>
  );
}
