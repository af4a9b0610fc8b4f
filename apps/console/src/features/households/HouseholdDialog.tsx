/** A clerk registers or edits a household (residents, district, assistance, contact), and closes it. */
import type { District, Household, Language } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { CheckField, FormDialog, SelectField, TextField, useFormFields } from '../../shell/form';
import { useHouseholdMessages } from './messages';

const LANGUAGES: readonly Language[] = ['ja', 'en'];

export function HouseholdDialog(props: {
  household: Household | null;
  districts: readonly District[];
  onSaved(household: Household, created: boolean): void;
  onClose(): void;
}) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const h = props.household;
  const form = useFormFields({
    name: h?.name ?? '',
    kana: h?.kana ?? '',
    address: h?.address ?? '',
    districtId: h?.districtId ?? props.districts[0]?.id ?? 0,
    phone: h?.phone ?? '',
    language: h?.language ?? ('ja' as Language),
    needsAssistance: h?.needsAssistance ?? false,
    assistanceReason: h?.assistanceReason ?? '',
    notes: h?.notes ?? '',
    residents: (h?.residents ?? []).map((r) => r.name).join('\n'),
  });
  const { field } = form;
  const { name, address, districtId, phone, needsAssistance } = form.values;

  const save = async () => {
    const names = form.values.residents
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean);
    const common = {
      name: name.trim(),
      kana: form.values.kana.trim(),
      address: address.trim(),
      districtId,
      language: form.values.language,
      needsAssistance,
      assistanceReason: needsAssistance ? form.values.assistanceReason.trim() : '',
      notes: form.values.notes.trim(),
    };
    if (h) {
      // The n-th line keeps the n-th resident (a renamed line is the same person, birth year kept).
      const updated = await api.call('PATCH /api/households/:id', {
        params: { id: h.id },
        body: {
          ...common,
          phone: phone.trim() || null,
          residents: names.map((n, i) => {
            const id = h.residents[i]?.id;
            return id === undefined ? { name: n } : { id, name: n };
          }),
        },
      });
      props.onSaved(updated, false);
    } else {
      const created = await api.call('POST /api/households', {
        body: {
          ...common,
          ...(phone.trim() ? { phone: phone.trim() } : {}),
          residents: names.map((n) => ({ name: n })),
        },
      });
      props.onSaved(created, true);
    }
  };

  return (
    <FormDialog
      title={h ? t('household.editTitle') : t('household.createTitle')}
      testId="household-dialog"
      onClose={props.onClose}
      onSubmit={save}
      submitLabel={t('household.save')}
      submitTestId="household-save"
      ready={name.trim() !== '' && address.trim() !== '' && districtId > 0}
    >
      <TextField label={t('household.name')} {...field('name')} required maxLength={120} />
      <TextField label={t('household.kana')} {...field('kana')} maxLength={120} />
      <TextField label={t('household.address')} {...field('address')} required maxLength={300} />
      <SelectField
        label={t('household.district')}
        {...field('districtId')}
        options={props.districts.map((d) => ({ value: d.id, label: d.name }))}
      />
      <TextField
        label={t('household.phone')}
        hint={t('household.phoneHint')}
        {...field('phone')}
        inputMode="tel"
        maxLength={32}
      />
      <SelectField
        label={t('household.language')}
        {...field('language')}
        options={LANGUAGES.map((l) => ({ value: l, label: t(`household.languages.${l}`) }))}
      />
      <CheckField
        label={t('household.needsAssistance')}
        {...form.check('needsAssistance')}
        testId="household-needs-assistance"
      />
      {needsAssistance ? (
        <TextField
          label={t('household.assistanceReason')}
          hint={t('household.assistanceReasonHint')}
          {...field('assistanceReason')}
          maxLength={300}
        />
      ) : null}
      <TextField
        label={t('household.residents')}
        hint={t('household.residentsHint')}
        {...field('residents')}
        rows={3}
      />
      <TextField label={t('household.notes')} {...field('notes')} rows={2} maxLength={2000} />
    </FormDialog>
  );
}

/** Closing a household says what happens (terminal off at once, codes void, records kept) and asks why. */
export function CloseHouseholdDialog(props: {
  household: Household;
  onClosed(household: Household): void;
  onClose(): void;
}) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const [reason, setReason] = useState('');
  return (
    <FormDialog
      title={t('household.closeTitle')}
      intro={`${props.household.name}：${t('household.closeIntro')}`}
      testId="close-household-dialog"
      onClose={props.onClose}
      onSubmit={async () =>
        props.onClosed(
          await api.call('POST /api/households/:id/close', {
            params: { id: props.household.id },
            body: { reason: reason.trim() },
          }),
        )
      }
      submitLabel={t('household.closeConfirm')}
      submitTestId="close-household-confirm"
      ready={reason.trim() !== ''}
    >
      <TextField
        label={t('household.closeReason')}
        hint={t('household.closeReasonHint')}
        value={reason}
        onChange={setReason}
        required
        maxLength={300}
        name="closeReason"
      />
    </FormDialog>
  );
}
