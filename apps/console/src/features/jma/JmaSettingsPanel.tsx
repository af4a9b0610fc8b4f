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
  type JmaPolicy,
  type JmaTemplate,
  type JmaTemplateId,
} from '@tsunagu/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useSession } from '../../session';
import { ErrorMessage, Field, LoadState, StatusMessage, useLoad } from '../../shell/ui';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
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
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const next = await api.call('PATCH /api/jma/settings', {
        body: {
          areas: areas.map(({ type, code }) => ({ type, code })),
          policy,
        },
      });
      state.set(() => next);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const set = <K extends keyof JmaPolicy>(key: K, value: JmaPolicy[K]) => {
    setSaved(false);
    setPolicy((p) => (p ? { ...p, [key]: value } : p));
  };
  const setTemplate = (id: JmaTemplateId, field: keyof JmaTemplate, value: string) =>
    setPolicy((p) => (p ? { ...p, templates: { ...p.templates, [id]: { ...p.templates[id], [field]: value } } } : p));

  const intensitySelect = (key: 'intensityEmergencyFrom' | 'intensityImportantFrom') => (
    <Field label={t(`jma.settings.${key}`)}>
      {({ id }) => (
        <select
          id={id}
          value={policy?.[key] ?? ''}
          disabled={readOnly}
          onChange={(e) => set(key, e.target.value === '' ? null : (e.target.value as JmaIntensity))}
          data-testid={`jma-${key}`}
        >
          {JMA_INTENSITIES.map((i) => (
            <option key={i} value={i}>
              {t(`jma.settings.intensities.${i}`)}
            </option>
          ))}
          <option value="">{t('jma.settings.never')}</option>
        </select>
      )}
    </Field>
  );
  const actionSelect = (key: 'tsunamiMajor' | 'tsunamiWarning' | 'tsunamiAdvisory') => (
    <Field label={t(`jma.settings.${key}`)}>
      {({ id }) => (
        <select
          id={id}
          value={policy?.[key]}
          disabled={readOnly}
          onChange={(e) => set(key, e.target.value as JmaAction)}
        >
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`jma.settings.actions.${a}`)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const numberField = (key: 'eewExpiresMinutes' | 'noticeExpiresHours', max: number) => (
    <Field label={t(`jma.settings.${key}`)}>
      {({ id }) => (
        <input
          id={id}
          type="number"
          min={1}
          max={max}
          value={policy?.[key] ?? 1}
          disabled={readOnly}
          onChange={(e) => set(key, Math.max(1, Math.min(max, Math.round(Number(e.target.value) || 1))))}
        />
      )}
    </Field>
  );

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
                  <Field label={t('jma.settings.areaType')}>
                    {({ id }) => (
                      <select
                        id={id}
                        value={a.type}
                        disabled={readOnly}
                        onChange={(e) =>
                          setAreas(areas.map((x, j) => (j === i ? { ...x, type: e.target.value as JmaAreaType } : x)))
                        }
                      >
                        {AREA_TYPES.map((type) => (
                          <option key={type} value={type}>
                            {t(`jma.settings.areaTypes.${type}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('jma.settings.areaCode')}>
                    {({ id }) => (
                      <input
                        id={id}
                        inputMode="numeric"
                        value={a.code}
                        disabled={readOnly}
                        onChange={(e) =>
                          setAreas(areas.map((x, j) => (j === i ? { ...x, code: e.target.value.trim() } : x)))
                        }
                      />
                    )}
                  </Field>
                  {readOnly ? null : (
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setAreas(areas.filter((_x, j) => j !== i))}
                    >
                      {t('jma.settings.removeArea')}
                    </button>
                  )}
                </div>
              ))}
              {readOnly ? null : (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setAreas([...areas, keyed({ type: 'quake', code: '' })])}
                >
                  {t('jma.settings.addArea')}
                </button>
              )}
            </fieldset>
            <fieldset>
              <legend>{t('jma.settings.policyTitle')}</legend>
              <p>
                {state.data.maxAgeSeconds > 0
                  ? t('jma.settings.maxAge', { seconds: state.data.maxAgeSeconds })
                  : t('jma.settings.maxAgeOff')}
              </p>
              <Field label={t('jma.settings.eew')}>
                {({ id }) => (
                  <select
                    id={id}
                    value={policy.eew}
                    disabled={readOnly}
                    onChange={(e) => set('eew', e.target.value as JmaPolicy['eew'])}
                  >
                    <option value="emergency">{t('jma.settings.eewOptions.emergency')}</option>
                    <option value="ignore">{t('jma.settings.eewOptions.ignore')}</option>
                  </select>
                )}
              </Field>
              {intensitySelect('intensityEmergencyFrom')}
              {intensitySelect('intensityImportantFrom')}
              <label className="check">
                <input
                  type="checkbox"
                  checked={policy.intensitySafetyCheck}
                  disabled={readOnly}
                  onChange={(e) => set('intensitySafetyCheck', e.target.checked)}
                />
                {t('jma.settings.intensitySafetyCheck')}
              </label>
              {actionSelect('tsunamiMajor')}
              {actionSelect('tsunamiWarning')}
              {actionSelect('tsunamiAdvisory')}
              <label className="check">
                <input
                  type="checkbox"
                  checked={policy.allClear}
                  disabled={readOnly}
                  onChange={(e) => set('allClear', e.target.checked)}
                />
                {t('jma.settings.allClear')}
              </label>
              {numberField('eewExpiresMinutes', 1440)}
              {numberField('noticeExpiresHours', 720)}
            </fieldset>
            <fieldset>
              <legend>{t('jma.settings.templatesTitle')}</legend>
              <p className="hint">{t('jma.settings.templatesIntro')}</p>
              {JMA_TEMPLATE_IDS.map((tid) => (
                <details key={tid}>
                  <summary>{t(`jma.settings.templates.${tid}`)}</summary>
                  {TEMPLATE_FIELDS.map((field) => (
                    <Field key={field} label={t(`jma.settings.fields.${field}`)}>
                      {({ id }) =>
                        field.startsWith('title') ? (
                          <input
                            id={id}
                            value={policy.templates[tid][field]}
                            disabled={readOnly}
                            maxLength={200}
                            onChange={(e) => setTemplate(tid, field, e.target.value)}
                          />
                        ) : (
                          <textarea
                            id={id}
                            rows={3}
                            value={policy.templates[tid][field]}
                            disabled={readOnly}
                            maxLength={2000}
                            onChange={(e) => setTemplate(tid, field, e.target.value)}
                          />
                        )
                      }
                    </Field>
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
