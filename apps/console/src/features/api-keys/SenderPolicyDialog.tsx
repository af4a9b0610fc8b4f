/** Administrators: how announcements and alerts from one API key are handled (its CAP sender, publish or hold). */
import type { ApiKey, SenderPolicy, SenderPolicyBody } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { FormDialog, RadioGroup, TextField, useFormFields } from '../../shell/form';

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
  const form = useFormFields({ capSender: props.policy.capSender ?? '', publish: props.policy.publish });
  const { capSender, publish } = form.values;
  return (
    <FormDialog
      title={t('apiKeys.sendingTitle', { name: props.apiKey.name })}
      onClose={props.onClose}
      testId="sender-policy-dialog"
      intro={t('apiKeys.sendingIntro')}
      submitLabel={t('common.save')}
      submitTestId="sender-policy-submit"
      onSubmit={async () => {
        const body: SenderPolicyBody = { capSender: capSender.trim() || null, publish };
        props.onSaved(
          await api.call('PUT /api/announcements/sender-policies/:id', { params: { id: props.apiKey.id }, body }),
        );
      }}
    >
      <TextField label={t('apiKeys.fieldCapSender')} {...form.field('capSender')} maxLength={200} pattern="[^\s,<&]+" />
      <RadioGroup
        legend={t('apiKeys.fieldPublish')}
        {...form.field('publish')}
        stacked
        testId="publish"
        options={[
          { value: 'hold', label: t('apiKeys.publishHold') },
          { value: 'auto', label: t('apiKeys.publishAuto') },
        ]}
      />
    </FormDialog>
  );
}
