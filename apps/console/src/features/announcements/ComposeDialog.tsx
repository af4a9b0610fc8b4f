/**
 * Writing an announcement: the form, then the terminal's exact view with the number of households
 * it reaches, then (for an emergency to the whole city) a second, explicit confirmation.
 */
import type {
  Announcement,
  AnnouncementKind,
  AnnouncementTarget,
  AudioUploaded,
  District,
  Household,
  TargetPreview,
} from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { CheckField, FileField, RadioGroup, TextField, useFormFields } from '../../shell/form';
import { Button, ErrorMessage, Field, Modal, useAction } from '../../shell/ui';
import { parseReadings, SpeechPreview } from './SpeechPreview';
import { TerminalPreview } from './TerminalPreview';

type TargetType = AnnouncementTarget['type'];

export function ComposeDialog(props: {
  districts: District[];
  households: Household[];
  onClose(): void;
  onSent(a: Announcement): void;
}) {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const form = useFormFields({
    kind: 'important' as AnnouncementKind,
    test: false,
    safetyCheck: false,
    titleJa: '',
    bodyJa: '',
    titleEn: '',
    bodyEn: '',
    readingsText: '',
    targetType: 'all' as TargetType,
    districtIds: [] as number[],
    householdIds: [] as number[],
    sendAt: '',
    expiresAt: '',
  });
  const { kind, test, safetyCheck, titleJa, bodyJa, titleEn, bodyEn, targetType, districtIds, householdIds } =
    form.values;
  const { readingsText, sendAt, expiresAt } = form.values;
  const [audio, setAudio] = useState<AudioUploaded | null>(null);
  const [step, setStep] = useState<'form' | 'preview' | 'whole-city'>('form');
  const [count, setCount] = useState<TargetPreview | null>(null);
  const [wholeCityChecked, setWholeCityChecked] = useState(false);
  const { busy, error, setError, run } = useAction();

  const target = (): AnnouncementTarget =>
    targetType === 'all'
      ? { type: 'all' }
      : targetType === 'districts'
        ? { type: 'districts', districtIds }
        : targetType === 'groups'
          ? { type: 'groups', groups: ['needs_assistance'] }
          : { type: 'households', householdIds };

  const upload = (file: File | null) => {
    setAudio(null);
    setError(null);
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    void run(async () => setAudio(await api.upload('POST /api/announcements/audio', {}, form)));
  };

  const parsedReadings = parseReadings(readingsText);
  const readings = 'readings' in parsedReadings ? parsedReadings.readings : [];

  const toPreview = async (e: FormEvent) => {
    e.preventDefault();
    if ('badLine' in parsedReadings) {
      setError(t('ann.readingsBad', { line: parsedReadings.badLine }));
      return;
    }
    await run(async () => {
      setCount(await api.call('POST /api/announcements/preview', { body: { target: target() } }));
      setStep('preview');
    });
  };

  const send = (confirmWholeCity: boolean) =>
    run(async () => {
      const a = await api.call('POST /api/announcements', {
        body: {
          kind,
          titleJa,
          bodyJa,
          ...(titleEn.trim() ? { titleEn } : {}),
          ...(bodyEn.trim() ? { bodyEn } : {}),
          ...(audio ? { audioId: audio.audioId } : {}),
          ...(safetyCheck ? { safetyCheck } : {}),
          ...(test ? { test } : {}),
          ...(readings.length ? { readings } : {}),
          target: target(),
          ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
          ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
          ...(confirmWholeCity ? { confirmWholeCity: true } : {}),
        },
      });
      props.onSent(a);
    });

  const onSend = () => {
    if (kind === 'emergency' && targetType === 'all') {
      setWholeCityChecked(false);
      setStep('whole-city');
    } else void send(false);
  };

  const language = i18n.language === 'en' ? 'en' : 'ja';
  if (step === 'whole-city') {
    return (
      <Modal
        title={t('ann.wholeCityTitle')}
        onClose={() => setStep('preview')}
        closeLabel={t('ann.back')}
        testId="whole-city-dialog"
        actions={
          <Button
            look="danger"
            disabled={!wholeCityChecked || busy}
            onClick={() => void send(true)}
            testId="whole-city-send"
          >
            {t('ann.wholeCitySend')}
          </Button>
        }
      >
        <p className="message message-warn">{t('ann.wholeCityBody')}</p>
        <CheckField
          label={t('ann.wholeCityCheck', { households: count?.households ?? 0 })}
          checked={wholeCityChecked}
          onChange={setWholeCityChecked}
          testId="whole-city-check"
        />
        <ErrorMessage error={error} />
      </Modal>
    );
  }
  if (step === 'preview') {
    return (
      <Modal
        title={t('ann.previewTitle')}
        onClose={() => setStep('form')}
        closeLabel={t('ann.back')}
        testId="announcement-preview-dialog"
        actions={
          <button
            type="button"
            className={`button ${kind === 'emergency' ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
            onClick={onSend}
            data-testid="announcement-send"
          >
            {t('ann.send')}
          </button>
        }
      >
        <TerminalPreview
          title={t('ann.previewFrame')}
          language={language}
          announcement={{
            kind,
            test,
            titleJa,
            bodyJa,
            titleEn: titleEn || null,
            bodyEn: bodyEn || null,
            publishedAt: null,
            safetyCheck,
          }}
        />
        {audio ? null : <SpeechPreview draft={{ kind, test, titleJa, bodyJa, titleEn, bodyEn, readings }} />}
        {count ? (
          <p className="summary" data-testid="target-count" data-households={count.households}>
            {t('ann.targetCount', {
              households: count.households,
              terminals: count.terminals,
              online: count.onlineTerminals,
            })}
          </p>
        ) : null}
        <ErrorMessage error={error} />
      </Modal>
    );
  }

  return (
    <Modal
      title={t('ann.compose')}
      onClose={props.onClose}
      testId="compose-dialog"
      closeLabel={t('common.cancel')}
      hideFooter
    >
      <form className="form" onSubmit={toPreview}>
        <RadioGroup
          legend={t('ann.kind')}
          testId="kind"
          {...form.field('kind')}
          options={(['emergency', 'important', 'routine'] as const).map((k) => ({
            value: k,
            label: t(`ann.kinds.${k}`),
          }))}
        />
        <CheckField
          label={kind === 'emergency' ? t('ann.testEmergency') : t('ann.test')}
          {...form.check('test')}
          testId="announcement-test"
        />
        <CheckField label={t('ann.safetyCheck')} {...form.check('safetyCheck')} testId="announcement-safety" />
        <TextField
          label={t('ann.titleJa')}
          required
          maxLength={200}
          {...form.field('titleJa')}
          data-testid="title-ja"
        />
        <TextField
          label={t('ann.bodyJa')}
          required
          maxLength={4000}
          rows={4}
          {...form.field('bodyJa')}
          data-testid="body-ja"
        />
        <TextField label={t('ann.titleEn')} maxLength={200} {...form.field('titleEn')} />
        <TextField label={t('ann.bodyEn')} maxLength={4000} rows={3} {...form.field('bodyEn')} />
        <RadioGroup
          legend={t('ann.target')}
          name="target"
          testId="target"
          value={targetType}
          onChange={(type) => form.set('targetType', type)}
          options={(['all', 'districts', 'groups', 'households'] as const).map((k) => ({
            value: k,
            label: t(`ann.targets.${k}`),
          }))}
        />
        {targetType === 'districts' ? (
          <fieldset>
            <legend>{t('ann.chooseDistricts')}</legend>
            {props.districts.map((d) => (
              <CheckField
                key={d.id}
                label={language === 'en' ? d.nameEn : d.name}
                checked={districtIds.includes(d.id)}
                onChange={(on) =>
                  form.set('districtIds', on ? [...districtIds, d.id] : districtIds.filter((x) => x !== d.id))
                }
              />
            ))}
          </fieldset>
        ) : null}
        {targetType === 'households' ? (
          <Field label={t('ann.chooseHouseholds')}>
            {({ id }) => (
              <select
                id={id}
                multiple
                size={8}
                value={householdIds.map(String)}
                onChange={(e) =>
                  form.set(
                    'householdIds',
                    [...e.target.selectedOptions].map((o) => Number(o.value)),
                  )
                }
              >
                {props.households.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name} — {h.address}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <TextField
          label={t('ann.readings')}
          hint={t('ann.readingsHint')}
          rows={2}
          maxLength={4000}
          {...form.field('readingsText')}
          data-testid="announcement-readings"
        />
        <FileField
          label={t('ann.audio')}
          hint={audio ? t('ann.audioUploaded', { kb: Math.ceil(audio.bytes / 1024) }) : t('ann.audioHint')}
          accept="audio/*"
          onChoose={upload}
        />
        <TextField label={t('ann.sendAt')} type="datetime-local" {...form.field('sendAt')} />
        <TextField label={t('ann.expiresAt')} type="datetime-local" {...form.field('expiresAt')} />
        <ErrorMessage error={error} />
        <div className="modal-actions">
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="announcement-to-preview">
            {t('ann.toPreview')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
