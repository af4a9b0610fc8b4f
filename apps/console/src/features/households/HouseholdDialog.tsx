/** A clerk registers or edits a household (residents, district, assistance, contact), and closes it. */
import type { District, Household, Language } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { CheckField, FormDialog, SelectField, TextField } from '../../shell/form';
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
  const [name, setName] = useState(h?.name ?? '');
  const [kana, setKana] = useState(h?.kana ?? '');
  const [address, setAddress] = useState(h?.address ?? '');
  const [districtId, setDistrictId] = useState(h?.districtId ?? props.districts[0]?.id ?? 0);
  const [phone, setPhone] = useState(h?.phone ?? '');
  const [language, setLanguage] = useState<Language>(h?.language ?? 'ja');
  const [needsAssistance, setNeedsAssistance] = useState(h?.needsAssistance ?? false);
  const [assistanceReason, setAssistanceReason] = useState(h?.assistanceReason ?? '');
  const [notes, setNotes] = useState(h?.notes ?? '');
  const [residents, setResidents] = useState((h?.residents ?? []).map((r) => r.name).join('\n'));

  const save = async () => {
    const names = residents
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean);
    const common = {
      name: name.trim(),
      kana: kana.trim(),
      address: address.trim(),
      districtId,
      language,
      needsAssistance,
      assistanceReason: needsAssistance ? assistanceReason.trim() : '',
      notes: notes.trim(),
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
      <TextField label={t('household.name')} value={name} onChange={setName} required maxLength={120} name="name" />
      <TextField label={t('household.kana')} value={kana} onChange={setKana} maxLength={120} name="kana" />
      <TextField
        label={t('household.address')}
        value={address}
        onChange={setAddress}
        required
        maxLength={300}
        name="address"
      />
      <SelectField
        label={t('household.district')}
        value={districtId}
        onChange={setDistrictId}
        name="districtId"
        options={props.districts.map((d) => ({ value: d.id, label: d.name }))}
      />
      <TextField
        label={t('household.phone')}
        hint={t('household.phoneHint')}
        value={phone}
        onChange={setPhone}
        inputMode="tel"
        maxLength={32}
        name="phone"
      />
      <SelectField
        label={t('household.language')}
        value={language}
        onChange={setLanguage}
        name="language"
        options={LANGUAGES.map((l) => ({ value: l, label: t(`household.languages.${l}`) }))}
      />
      <CheckField
        label={t('household.needsAssistance')}
        checked={needsAssistance}
        onChange={setNeedsAssistance}
        testId="household-needs-assistance"
      />
      {needsAssistance ? (
        <TextField
          label={t('household.assistanceReason')}
          hint={t('household.assistanceReasonHint')}
          value={assistanceReason}
          onChange={setAssistanceReason}
          maxLength={300}
          name="assistanceReason"
        />
      ) : null}
      <TextField
        label={t('household.residents')}
        hint={t('household.residentsHint')}
        value={residents}
        onChange={setResidents}
        rows={3}
        name="residents"
      />
      <TextField
        label={t('household.notes')}
        value={notes}
        onChange={setNotes}
        rows={2}
        maxLength={2000}
        name="notes"
      />
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
