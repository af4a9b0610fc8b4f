/**
 * The rules: what one telegram means for this city under the policy — announce (at which
 * priority, with which template), lift a tsunami alert, withdraw (取消), or nothing — and why, in
 * words city hall can read. Pure: no database, no clock; chains, duplicates and the age limit are
 * the service's part.
 */
import type { AnnouncementKind, JmaAction, JmaArea, JmaIntensity, JmaPolicy, JmaTemplateId } from '@tsunagu/protocol';
import { JMA_INTENSITIES } from '@tsunagu/protocol';
import { areaMatcher } from './areas';
import { formatTimes, intensityEn, intensityJa, type TemplateValues } from './policy';
import type { Telegram, TelegramKind, TsunamiItem, TsunamiLevel } from './telegram';

/** Telegrams about one event that replace one another on the terminals. */
export type Family = 'eew' | 'quake' | 'tsunami';
export function familyOf(kind: TelegramKind): Family | null {
  if (kind === 'eew') return 'eew';
  if (kind === 'intensityFlash' || kind === 'quakeInfo') return 'quake';
  if (kind === 'tsunami') return 'tsunami';
  return null;
}

export interface Reason {
  code: string;
  ja: string;
  en: string;
}

export type Assessment =
  | {
      action: 'announce';
      kind: AnnouncementKind;
      template: JmaTemplateId;
      values: TemplateValues;
      safetyCheck: boolean;
      tone: 'eew' | null;
      expiresInMs: number | null;
      reason: Reason;
    }
  | { action: 'lift'; allClear: boolean; values: TemplateValues; reason: Reason }
  | { action: 'cancel'; reason: Reason }
  | { action: 'ignore'; reason: Reason };

const rank = (i: JmaIntensity) => JMA_INTENSITIES.indexOf(i);
const TSUNAMI_RANK: Record<TsunamiLevel, number> = {
  none: 0,
  forecast: 1,
  lifted: 1,
  advisory: 2,
  warning: 3,
  major: 4,
};
const TSUNAMI_NAME: Record<'major' | 'warning' | 'advisory', { ja: string; en: string }> = {
  major: { ja: '大津波警報', en: 'Major Tsunami Warning' },
  warning: { ja: '津波警報', en: 'Tsunami Warning' },
  advisory: { ja: '津波注意報', en: 'Tsunami Advisory' },
};
const KIND_JA: Record<AnnouncementKind, string> = { emergency: '緊急', important: '重要', routine: 'お知らせ' };

const ignore = (code: string, ja: string, en: string): Assessment => ({ action: 'ignore', reason: { code, ja, en } });
const names = (list: { name: string }[]) => [...new Set(list.map((a) => a.name).filter(Boolean))].join('・');

function values(t: Telegram, timeZone: string, extra: Partial<TemplateValues>): TemplateValues {
  const when = formatTimes(t.earthquake?.originTime ?? t.reportAt, timeZone);
  const epicenter = t.earthquake?.hypocenter ?? null;
  return {
    place: '',
    intensity: '',
    intensityEn: '',
    time: when.ja,
    timeEn: when.en,
    epicenter: epicenter ?? '調査中',
    epicenterEn: epicenter ?? 'being determined',
    level: '',
    levelEn: '',
    ...extra,
  };
}

function byAction(
  action: JmaAction,
  policyName: string,
  what: { ja: string; en: string },
): { kind: AnnouncementKind } | Assessment {
  if (action === 'ignore')
    return ignore(
      'POLICY_IGNORE',
      `${what.ja}ですが、配信の決まり（${policyName}）で「配信しない」になっています。`,
      `${what.en}, but the policy (${policyName}) says not to announce it.`,
    );
  return { kind: action };
}

/** What this telegram means for the city with these areas under this policy. */
export function assess(t: Telegram, areas: readonly JmaArea[], policy: JmaPolicy, timeZone: string): Assessment {
  switch (t.kind) {
    case 'eewForecast':
      return ignore(
        'EEW_FORECAST',
        '緊急地震速報（予報）は警報ではないため、配信しません。',
        'An EEW forecast (予報) is not a warning: not announced.',
      );
    case 'eewTest':
      return ignore(
        'EEW_TEST_MESSAGE',
        '緊急地震速報の配信テストのため、配信しません。',
        'An EEW transmission test: not announced.',
      );
    case 'other':
      return ignore(
        'UNSUPPORTED_TYPE',
        `「${t.title}」は自動配信の対象外です（対象: 緊急地震速報（警報）・震度速報・震源・震度に関する情報・津波警報・注意報・予報）。`,
        `"${t.title}" is not one of the telegram types used for automatic alerts.`,
      );
  }
  if (t.infoType === 'cancel') {
    return {
      action: 'cancel',
      reason: {
        code: 'CANCELLED',
        ja: `気象庁が「${t.title}」（地震・津波の識別番号 ${t.eventId}）を取り消しました。`,
        en: `JMA cancelled "${t.title}" (event ${t.eventId}).`,
      },
    };
  }
  if (areas.length === 0)
    return ignore(
      'NO_AREAS',
      '市の地域（地震・津波の地域コード）が設定されていないため、配信しません。',
      'The city has no JMA areas configured: nothing is announced.',
    );
  const isOurs = areaMatcher(areas);
  if (t.kind === 'eew') return assessEew(t, isOurs, policy, timeZone);
  if (t.kind === 'tsunami') return assessTsunami(t, areas, isOurs, policy, timeZone);
  return assessIntensity(t, isOurs, policy, timeZone);
}

function assessEew(
  t: Telegram,
  isOurs: (codeType: string, code: string) => boolean,
  policy: JmaPolicy,
  timeZone: string,
): Assessment {
  const ours = t.eewAreas.filter((a) => a.warned && isOurs(a.codeType, a.code));
  if (ours.length === 0) {
    const warned = names(t.eewAreas.filter((a) => a.warned));
    return ignore(
      'EEW_NOT_FOR_CITY',
      `緊急地震速報（警報）の対象地域に市の地域は含まれていません${warned ? `（対象: ${warned}）` : ''}。`,
      `The EEW warning does not cover the city's areas${warned ? ` (it covers ${warned})` : ''}.`,
    );
  }
  const place = names(ours);
  const decided = byAction(policy.eew, '緊急地震速報', {
    ja: `緊急地震速報（警報）が市の地域（${place}）に出ました`,
    en: `The EEW warning covers the city (${place})`,
  });
  if ('action' in decided) return decided;
  return {
    action: 'announce',
    kind: 'emergency',
    template: 'eew',
    values: values(t, timeZone, { place }),
    safetyCheck: false,
    tone: 'eew',
    expiresInMs: policy.eewExpiresMinutes * 60_000,
    reason: {
      code: 'EEW_COVERS_CITY',
      ja: `緊急地震速報（警報）が市の地域（${place}）に出たため、最優先の緊急放送として確認なしで配信します。`,
      en: `The EEW warning covers the city (${place}): announced at once as an emergency with the EEW chime.`,
    },
  };
}

function assessIntensity(
  t: Telegram,
  isOurs: (codeType: string, code: string) => boolean,
  policy: JmaPolicy,
  timeZone: string,
): Assessment {
  // The city's intensity is the highest reported for any of its codes; 震度５弱以上未入電 counts as 5弱.
  let best: { intensity: JmaIntensity; place: string; unreported: boolean } | null = null;
  for (const a of t.observed) {
    if (!isOurs(a.codeType, a.code)) continue;
    let i = a.maxInt;
    let unreported = false;
    if (a.unreportedStrong && (i === null || rank(i) < rank('5-'))) {
      i = '5-';
      unreported = true;
    }
    if (i === null) continue;
    // Ties go to the later, more specific code (a 市町村 after its 細分区域).
    if (!best || rank(i) >= rank(best.intensity)) best = { intensity: i, place: a.name, unreported };
  }
  const maxElsewhere = t.observed.reduce<JmaIntensity | null>(
    (m, a) => (a.maxInt && (!m || rank(a.maxInt) > rank(m)) ? a.maxInt : m),
    null,
  );
  if (!best) {
    return ignore(
      'INTENSITY_NOT_REPORTED',
      `市の地域の震度は発表されていません${maxElsewhere ? `（最大震度は他の地域で${intensityJa(maxElsewhere)}）` : ''}。`,
      `No intensity was reported for the city's areas${maxElsewhere ? ` (the highest, elsewhere, was ${intensityEn(maxElsewhere)})` : ''}.`,
    );
  }
  const { intensity, place } = best;
  const note = best.unreported ? '（震度５弱以上と考えられるが未入電）' : '';
  const noteEn = best.unreported ? ' (5 lower or more, value not yet received)' : '';
  const level =
    policy.intensityEmergencyFrom !== null && rank(intensity) >= rank(policy.intensityEmergencyFrom)
      ? 'emergency'
      : policy.intensityImportantFrom !== null && rank(intensity) >= rank(policy.intensityImportantFrom)
        ? 'important'
        : null;
  if (!level) {
    const threshold = policy.intensityImportantFrom ?? policy.intensityEmergencyFrom;
    return ignore(
      'INTENSITY_BELOW',
      `${place}の震度は${intensityJa(intensity)}で、配信する震度（${threshold ? `${intensityJa(threshold)}以上` : 'なし'}）に届きません。`,
      `Intensity ${intensityEn(intensity)} in ${place} is below the policy's threshold (${threshold ? intensityEn(threshold) : 'none'}).`,
    );
  }
  return {
    action: 'announce',
    kind: level,
    template: level === 'emergency' ? 'intensityEmergency' : 'intensityImportant',
    values: values(t, timeZone, { place, intensity: intensityJa(intensity), intensityEn: intensityEn(intensity) }),
    safetyCheck: level === 'emergency' && policy.intensitySafetyCheck,
    tone: null,
    expiresInMs: policy.noticeExpiresHours * 3_600_000,
    reason: {
      code: level === 'emergency' ? 'INTENSITY_EMERGENCY' : 'INTENSITY_IMPORTANT',
      ja: `${place}で震度${intensityJa(intensity)}${note}のため、「${KIND_JA[level]}」として配信します${level === 'emergency' && policy.intensitySafetyCheck ? '（安否確認つき）' : ''}。`,
      en: `Intensity ${intensityEn(intensity)}${noteEn} in ${place}: announced as ${level}${level === 'emergency' && policy.intensitySafetyCheck ? ' with a safety check' : ''}.`,
    },
  };
}

function assessTsunami(
  t: Telegram,
  areas: readonly JmaArea[],
  isOurs: (codeType: string, code: string) => boolean,
  policy: JmaPolicy,
  timeZone: string,
): Assessment {
  if (!areas.some((a) => a.type === 'tsunami'))
    return ignore(
      'NO_TSUNAMI_AREAS',
      '市に津波予報区が設定されていない（海に面していない）ため、津波の情報は配信しません。',
      'The city has no tsunami forecast area configured (inland): tsunami telegrams are not announced.',
    );
  const ours = t.tsunami.filter((i) => isOurs(i.codeType, i.code));
  if (ours.length === 0)
    return ignore(
      'TSUNAMI_NOT_FOR_CITY',
      '市の津波予報区には、津波警報・注意報・予報のいずれも出ていません。',
      "Nothing was issued for the city's tsunami forecast areas.",
    );
  const top = ours.reduce<TsunamiItem>((m, i) => (TSUNAMI_RANK[i.level] > TSUNAMI_RANK[m.level] ? i : m), ours[0]!);
  const place = names(ours.filter((i) => i.level === top.level));
  if (top.level === 'major' || top.level === 'warning' || top.level === 'advisory') {
    const name = TSUNAMI_NAME[top.level];
    const action = { major: policy.tsunamiMajor, warning: policy.tsunamiWarning, advisory: policy.tsunamiAdvisory }[
      top.level
    ];
    const decided = byAction(action, name.ja, {
      ja: `${place}に${name.ja}が出ました`,
      en: `A ${name.en} was issued for ${place}`,
    });
    if ('action' in decided) return decided;
    const template = ({ major: 'tsunamiMajor', warning: 'tsunamiWarning', advisory: 'tsunamiAdvisory' } as const)[
      top.level
    ];
    return {
      action: 'announce',
      kind: decided.kind,
      template,
      values: values(t, timeZone, { place, level: name.ja, levelEn: name.en }),
      safetyCheck: false,
      tone: null,
      // A tsunami alert stays until JMA lifts it (or city hall withdraws it).
      expiresInMs: null,
      reason: {
        code: `TSUNAMI_${top.level.toUpperCase()}`,
        ja: `${place}に${name.ja}が出たため、「${KIND_JA[decided.kind]}」として配信します。`,
        en: `${name.en} for ${place}: announced as ${decided.kind}.`,
      },
    };
  }
  // Below an advisory now: a lift when something stronger stood before (解除, or the last category).
  const lifted = ours
    .map((i) => (i.level === 'lifted' ? liftedFrom(i) : i.lastLevel))
    .filter((l): l is 'major' | 'warning' | 'advisory' => l === 'major' || l === 'warning' || l === 'advisory')
    .sort((a, b) => TSUNAMI_RANK[b] - TSUNAMI_RANK[a])[0];
  if (lifted || ours.some((i) => i.level === 'lifted')) {
    const name = TSUNAMI_NAME[lifted ?? 'advisory'];
    const liftedPlace = names(ours.filter((i) => i.level === 'lifted' || i.lastLevel === lifted)) || place;
    return {
      action: 'lift',
      allClear: policy.allClear,
      values: values(t, timeZone, { place: liftedPlace, level: name.ja, levelEn: name.en }),
      reason: {
        code: 'TSUNAMI_LIFTED',
        ja: `${liftedPlace}の${name.ja}が解除されました。`,
        en: `The ${name.en} for ${liftedPlace} was lifted.`,
      },
    };
  }
  return ignore(
    'TSUNAMI_FORECAST',
    `${place}は津波予報（若干の海面変動）のみで、警報・注意報ではないため配信しません。`,
    `Only a tsunami forecast (slight sea-level change) for ${place}: not announced.`,
  );
}

/** Which alert a 解除 code ends: 50/72 a warning, 60/73 an advisory (the last category says more). */
function liftedFrom(i: TsunamiItem): TsunamiLevel {
  if (i.lastLevel === 'major' || i.lastLevel === 'warning' || i.lastLevel === 'advisory') return i.lastLevel;
  if (i.kindCode === '50' || i.kindCode === '72' || i.kindName.includes('警報解除')) return 'warning';
  return 'advisory';
}
