/**
 * The default policy for automatic alerts and its templates (plain Japanese, やさしい日本語 where
 * the official names allow, and English), how an administrator's edit is checked, and how a
 * template is filled in with the place, intensity and time.
 */
import { JMA_TEMPLATE_IDS, type JmaIntensity, type JmaPolicy, type JmaTemplate } from '@tsunagu/protocol';
import { zonedParts } from '../../lib/zoned-time';

/**
 * The EEW template is fixed text (no place filled in): every EEW says the same words, so the hub's
 * voice clip for it is made once and is ready the next time, when seconds count.
 */
export const DEFAULT_POLICY: JmaPolicy = {
  eew: 'emergency',
  intensityEmergencyFrom: '5-',
  intensityImportantFrom: '4',
  intensitySafetyCheck: true,
  tsunamiMajor: 'emergency',
  tsunamiWarning: 'emergency',
  tsunamiAdvisory: 'important',
  allClear: true,
  eewExpiresMinutes: 10,
  noticeExpiresHours: 24,
  templates: {
    eew: {
      titleJa: '緊急地震速報　強いゆれに注意',
      bodyJa:
        '大きな地震です。強くゆれます。頭を守ってください。じょうぶな机の下に入ってください。ゆれがおさまるまで、外に出ないでください。',
      titleEn: 'Earthquake Early Warning: strong shaking',
      bodyEn:
        'A large earthquake. Strong shaking is coming. Protect your head. Get under a sturdy table. Stay inside until the shaking stops.',
    },
    intensityEmergency: {
      titleJa: '地震　{place}で震度{intensity}',
      bodyJa:
        '{time}ごろ、大きな地震がありました。{place}の震度は{intensity}です。震源は{epicenter}です。けがはありませんか。火の元を確かめてください。余震に気をつけてください。',
      titleEn: 'Earthquake: intensity {intensityEn} in {place}',
      bodyEn:
        'There was a large earthquake at about {timeEn}. The seismic intensity in {place} was {intensityEn}. Epicentre: {epicenterEn}. Are you hurt? Check that fires and stoves are off. Watch out for aftershocks.',
    },
    intensityImportant: {
      titleJa: '地震　{place}で震度{intensity}',
      bodyJa:
        '{time}ごろ、地震がありました。{place}の震度は{intensity}です。震源は{epicenter}です。火の元を確かめてください。余震に気をつけてください。',
      titleEn: 'Earthquake: intensity {intensityEn} in {place}',
      bodyEn:
        'There was an earthquake at about {timeEn}. The seismic intensity in {place} was {intensityEn}. Epicentre: {epicenterEn}. Check that fires and stoves are off. Watch out for aftershocks.',
    },
    tsunamiMajor: {
      titleJa: '大津波警報　すぐ高い所へにげて',
      bodyJa:
        '{place}に大津波警報が出ました。大きな津波が来ます。すぐに高い所や避難ビルへにげてください。海や川に近づかないでください。警報が解除されるまで、もどらないでください。',
      titleEn: 'Major Tsunami Warning: go to high ground now',
      bodyEn:
        'A Major Tsunami Warning has been issued for {place}. A large tsunami is coming. Go to high ground or an evacuation building now. Stay away from the sea and rivers. Do not go back until the warning is lifted.',
    },
    tsunamiWarning: {
      titleJa: '津波警報　すぐ高い所へにげて',
      bodyJa:
        '{place}に津波警報が出ました。津波が来ます。すぐに高い所や避難ビルへにげてください。海や川に近づかないでください。警報が解除されるまで、もどらないでください。',
      titleEn: 'Tsunami Warning: go to high ground now',
      bodyEn:
        'A Tsunami Warning has been issued for {place}. A tsunami is coming. Go to high ground or an evacuation building now. Stay away from the sea and rivers. Do not go back until the warning is lifted.',
    },
    tsunamiAdvisory: {
      titleJa: '津波注意報　海から離れて',
      bodyJa:
        '{place}に津波注意報が出ました。海の中にいる人は、すぐに海から上がって、海岸から離れてください。注意報が解除されるまで、海に入ったり海岸に近づいたりしないでください。',
      titleEn: 'Tsunami Advisory: leave the sea',
      bodyEn:
        'A Tsunami Advisory has been issued for {place}. If you are in the sea, get out now and move away from the shore. Do not go into the sea or near the shore until the advisory is lifted.',
    },
    allClear: {
      titleJa: '{level}は解除されました',
      bodyJa:
        '{place}の{level}は解除されました。海の水の動きが少し続くことがあります。海に入るときは気をつけてください。',
      titleEn: '{levelEn} lifted',
      bodyEn:
        'The {levelEn} for {place} has been lifted. The sea may still move a little. Take care if you go into the sea.',
    },
  },
};

/** What a template may contain in braces. */
export const PLACEHOLDERS = [
  'place',
  'intensity',
  'intensityEn',
  'time',
  'timeEn',
  'epicenter',
  'epicenterEn',
  'level',
  'levelEn',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const INTENSITY_JA: Record<JmaIntensity, string> = {
  '1': '1',
  '2': '2',
  '3': '3',
  '4': '4',
  '5-': '5弱',
  '5+': '5強',
  '6-': '6弱',
  '6+': '6強',
  '7': '7',
};
const INTENSITY_EN: Record<JmaIntensity, string> = {
  '1': '1',
  '2': '2',
  '3': '3',
  '4': '4',
  '5-': '5 lower',
  '5+': '5 upper',
  '6-': '6 lower',
  '6+': '6 upper',
  '7': '7',
};
export const intensityJa = (i: JmaIntensity) => INTENSITY_JA[i];
export const intensityEn = (i: JmaIntensity) => INTENSITY_EN[i];

/** Problems with an administrator's policy, as `path: message` (empty when it is fine). */
export function policyProblems(p: JmaPolicy): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const order = (i: JmaIntensity | null) =>
    i === null ? Number.POSITIVE_INFINITY : Object.keys(INTENSITY_JA).indexOf(i);
  if (
    p.intensityEmergencyFrom !== null &&
    p.intensityImportantFrom !== null &&
    order(p.intensityImportantFrom) > order(p.intensityEmergencyFrom)
  ) {
    problems.push({
      path: 'body.policy.intensityImportantFrom',
      message: 'must not be higher than intensityEmergencyFrom',
    });
  }
  for (const id of JMA_TEMPLATE_IDS) {
    const t = p.templates[id];
    for (const field of ['titleJa', 'bodyJa', 'titleEn', 'bodyEn'] as const) {
      for (const m of t[field].matchAll(/\{([^{}]*)\}/g)) {
        if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
          problems.push({
            path: `body.policy.templates.${id}.${field}`,
            message: `{${m[1]}} is not a placeholder; use ${PLACEHOLDERS.map((x) => `{${x}}`).join(' ')}`,
          });
        }
      }
    }
  }
  return problems;
}

export interface FilledTemplate {
  titleJa: string;
  bodyJa: string;
  titleEn: string;
  bodyEn: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function fillTemplate(t: JmaTemplate, values: TemplateValues): FilledTemplate {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (all, name: string) => values[name as Placeholder] ?? all);
  return {
    titleJa: clip(fill(t.titleJa), 200),
    bodyJa: clip(fill(t.bodyJa), 4000),
    titleEn: clip(fill(t.titleEn), 200),
    bodyEn: clip(fill(t.bodyEn), 4000),
  };
}

/** "1月16日 18時42分" and "18:42 on 16 January" in the city's time zone. */
export function formatTimes(ms: number, timeZone: string): { ja: string; en: string } {
  const parts = (locale: string) =>
    zonedParts(
      ms,
      timeZone,
      { month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      locale,
    );
  const ja = parts('en-US');
  const month = new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric' }).format(new Date(ms));
  const en = parts('en-GB');
  return {
    ja: `${month}月${Number(ja.day)}日 ${Number(ja.hour)}時${ja.minute}分`,
    en: `${en.hour}:${en.minute} on ${Number(en.day)} ${en.month}`,
  };
}
