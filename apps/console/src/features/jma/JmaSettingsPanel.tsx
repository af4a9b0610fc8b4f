/**
 * The city's JMA areas (typed codes) and the automatic-alert policy with its wording. Everyone in
 * city hall sees them; administrators change them (audited by the hub).
 */
import {
  JMA_INTENSITIES,
  JMA_TEMPLATE_IDS,
  type JmaAction,
  type JmaArea,
  type JmaAreaType,
  type JmaIntensity,
  JmaPolicy,
  type JmaTemplate,
  type JmaTemplateId,
} from '@tsunagu/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useSession } from '../../session';
import { CheckField, NumberField, SelectField, TextField } from '../../shell/form';
import { Button, ErrorMessage, LoadState, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { useJmaMessages } from './messages';

const AREA_TYPES: JmaAreaType[] = ['quake', 'city', 'tsunami'];
const ACTIONS: JmaAction[] = ['emergency', 'important', 'routine', 'ignore'];
const TEMPLATE_FIELDS: (keyof JmaTemplate)[] = ['titleJa', 'bodyJa', 'titleEn', 'bodyEn'];

let nextKey = 0;
const keyed = (a: JmaArea) => ({ ...a, key: nextKey++ });

export function JmaSettingsPanel() {
  const t = useJmaMessages();
  const { api, user } = useSession();
  const state = useLoad(() => api.call('GET /api/jma/settings'), []);
  // Each row keeps its own key while codes are typed, added and removed.
  const [areas, setAreas] = useState<(JmaArea & { key: number })[]>([]);
  const [policy, setPolicy] = useState<JmaPolicy | null>(null);
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!state.data) return;
    setAreas(state.data.areas.map(keyed));
    setPolicy(state.data.policy);
  }, [state.data]);
  const readOnly = !user.admin;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!policy) return;
    setSaved(false);
    await run(async () => {
      const next = await api.call('PATCH /api/jma/settings', {
        body: { areas: areas.map(({ type, code }) => ({ type, code })), policy },
      });
      state.set(() => next);
      setSaved(true);
    });
  };
  const set = <K extends keyof JmaPolicy>(key: K, value: JmaPolicy[K]) => {
    setSaved(false);
    setPolicy((p) => (p ? { ...p, [key]: value } : p));
  };
  const setTemplate = (id: JmaTemplateId, field: keyof JmaTemplate, value: string) =>
    setPolicy((p) => (p ? { ...p, templates: { ...p.templates, [id]: { ...p.templates[id], [field]: value } } } : p));

  // Every setting's field is labelled by its key, and read-only for those who may not change it.
  const setting = (key: keyof JmaPolicy) => ({ label: t(`jma.settings.${key}`), disabled: readOnly });
  const intensitySelect = (key: 'intensityEmergencyFrom' | 'intensityImportantFrom') => (
    <SelectField<JmaIntensity | ''>
      {...setting(key)}
      value={policy?.[key] ?? ''}
      onChange={(v) => set(key, v === '' ? null : v)}
      data-testid={`jma-${key}`}
      options={[
        ...JMA_INTENSITIES.map((i) => ({ value: i, label: t(`jma.settings.intensities.${i}`) })),
        { value: '', label: t('jma.settings.never') },
      ]}
    />
  );
  const actionSelect = (key: 'tsunamiMajor' | 'tsunamiWarning' | 'tsunamiAdvisory') =>
    policy ? (
      <SelectField
        {...setting(key)}
        value={policy[key]}
        onChange={(v) => set(key, v)}
        options={ACTIONS.map((a) => ({ value: a, label: t(`jma.settings.actions.${a}`) }))}
      />
    ) : null;
  const numberField = (key: 'eewExpiresMinutes' | 'noticeExpiresHours') => (
    <NumberField
      {...setting(key)}
      schema={JmaPolicy.properties[key]}
      value={policy?.[key] ?? 1}
      onChange={(v) => set(key, v)}
    />
  );
  const check = (key: 'intensitySafetyCheck' | 'allClear') =>
    policy ? <CheckField {...setting(key)} checked={policy[key]} onChange={(v) => set(key, v)} /> : null;

  return (
    <section aria-labelledby="jma-settings-title" className="jma-settings">
      <h2 id="jma-settings-title">{t('jma.settings.title')}</h2>
      {readOnly ? <p className="hint">{t('jma.settings.adminOnly')}</p> : null}
      <LoadState state={state}>
        {state.data && policy ? (
          <form onSubmit={(e) => void save(e)} data-testid="jma-settings">
            <fieldset>
              <legend>{t('jma.settings.areasTitle')}</legend>
              <p className="hint">{t('jma.settings.areasIntro')}</p>
              {state.data.areasSource === 'environment' ? <p>{t('jma.settings.areasFromEnv')}</p> : null}
              {areas.length === 0 ? <p>{t('jma.settings.areasNone')}</p> : null}
              {areas.map((a, i) => (
                <div className="row" key={a.key} data-testid="jma-area">
                  <SelectField
                    label={t('jma.settings.areaType')}
                    value={a.type}
                    disabled={readOnly}
                    onChange={(type) => setAreas(areas.map((x, j) => (j === i ? { ...x, type } : x)))}
                    options={AREA_TYPES.map((type) => ({ value: type, label: t(`jma.settings.areaTypes.${type}`) }))}
                  />
                  <TextField
                    label={t('jma.settings.areaCode')}
                    inputMode="numeric"
                    value={a.code}
                    disabled={readOnly}
                    onChange={(code) => setAreas(areas.map((x, j) => (j === i ? { ...x, code: code.trim() } : x)))}
                  />
                  {readOnly ? null : (
                    <Button size="small" onClick={() => setAreas(areas.filter((_x, j) => j !== i))}>
                      {t('jma.settings.removeArea')}
                    </Button>
                  )}
                </div>
              ))}
              {readOnly ? null : (
                <Button size="small" onClick={() => setAreas([...areas, keyed({ type: 'quake', code: '' })])}>
                  {t('jma.settings.addArea')}
                </Button>
              )}
            </fieldset>
            <fieldset>
              <legend>{t('jma.settings.policyTitle')}</legend>
              <p>
                {state.data.maxAgeSeconds > 0
                  ? t('jma.settings.maxAge', { seconds: state.data.maxAgeSeconds })
                  : t('jma.settings.maxAgeOff')}
              </p>
              <SelectField
                label={t('jma.settings.eew')}
                value={policy.eew}
                disabled={readOnly}
                onChange={(v) => set('eew', v)}
                options={(['emergency', 'ignore'] as const).map((v) => ({
                  value: v,
                  label: t(`jma.settings.eewOptions.${v}`),
                }))}
              />
              {intensitySelect('intensityEmergencyFrom')}
              {intensitySelect('intensityImportantFrom')}
              {check('intensitySafetyCheck')}
              {actionSelect('tsunamiMajor')}
              {actionSelect('tsunamiWarning')}
              {actionSelect('tsunamiAdvisory')}
              {check('allClear')}
              {numberField('eewExpiresMinutes')}
              {numberField('noticeExpiresHours')}
            </fieldset>
            <fieldset>
              <legend>{t('jma.settings.templatesTitle')}</legend>
              <p className="hint">{t('jma.settings.templatesIntro')}</p>
              {JMA_TEMPLATE_IDS.map((tid) => (
                <details key={tid}>
                  <summary>{t(`jma.settings.templates.${tid}`)}</summary>
                  {TEMPLATE_FIELDS.map((field) => (
                    <TextField
                      key={field}
                      label={t(`jma.settings.fields.${field}`)}
                      rows={field.startsWith('title') ? 1 : 3}
                      maxLength={field.startsWith('title') ? 200 : 2000}
                      value={policy.templates[tid][field]}
                      disabled={readOnly}
                      onChange={(v) => setTemplate(tid, field, v)}
                    />
                  ))}
                </details>
              ))}
            </fieldset>
            <ErrorMessage error={error} />
            {saved ? <StatusMessage>{t('jma.settings.saved')}</StatusMessage> : null}
            {readOnly ? null : (
              <button type="submit" className="button button-primary" disabled={busy} data-testid="jma-settings-save">
                {t('jma.settings.save')}
              </button>
            )}
          </form>
        ) : null}
      </LoadState>
    </section>
  );
}
