/**
 * JMA disaster-information XML (気象庁防災情報XML) → a typed telegram: the control and head parts
 * every telegram has, and the body parts the automatic alerts use (EEW warning areas, observed
 * intensities by 細分区域 and 市町村, tsunami categories by 津波予報区). Area codes carry the code
 * type their document declares (CodeDefine / codeType), because the numbers of different code
 * types overlap.
 */
import { type ErrorDetail, JMA_INTENSITIES, type JmaIntensity } from '@tsunagu/protocol';
import { attr, child, children, JmaError, readXml, text, textOf, type XmlNode } from './xml';

export const JMA_NAMESPACE = 'http://xml.kishou.go.jp/jmaxml1/';

export type TelegramKind =
  | 'eew' // 緊急地震速報（警報） VXSE43 (and VXSE40 before 2023)
  | 'eewForecast' // 緊急地震速報（予報）, （地震動予報）
  | 'eewTest' // 緊急地震速報配信テスト VXSE42
  | 'intensityFlash' // 震度速報 VXSE51
  | 'quakeInfo' // 震源・震度に関する情報 VXSE53
  | 'tsunami' // 津波警報・注意報・予報a VTSE41
  | 'other';

/** Control/Status: 通常 → live, 訓練 → drill, 試験 → test. */
export type TelegramMode = 'live' | 'drill' | 'test';
/** Head/InfoType: 発表, 訂正, 遅延 (a late issue), 取消. */
export type InfoType = 'issue' | 'correction' | 'delay' | 'cancel';

/**
 * The code types an area code can have, as telegrams name them in CodeDefine. Cities are
 * 気象・地震・火山情報／市町村等 in every 震源・震度に関する情報 (2008 to today); 地震情報／市町村等,
 * the shorthand the configuration's documentation used, never occurs in a telegram, and matching
 * on it silently left a city-coded configuration with no intensity at all.
 */
export const CODE_TYPE = {
  quake: '地震情報／細分区域',
  city: '気象・地震・火山情報／市町村等',
  tsunami: '津波予報区',
} as const;

export type Intensity = JmaIntensity;

export interface CodedArea {
  codeType: string;
  code: string;
  name: string;
}
export interface ObservedArea extends CodedArea {
  maxInt: Intensity | null;
  /** 震度５弱以上未入電: a station there likely measured 5弱 or more but its value has not arrived. */
  unreportedStrong: boolean;
}
export interface EewArea extends CodedArea {
  /** Category/Kind/Code 1x: the warning covers this area (10 not yet reached, 11 reached, 19 PLUM). */
  warned: boolean;
  reached: boolean;
  forecastFrom: string | null;
  forecastTo: string | null;
}
export type TsunamiLevel = 'major' | 'warning' | 'advisory' | 'forecast' | 'lifted' | 'none';
export interface TsunamiItem extends CodedArea {
  kindCode: string;
  kindName: string;
  level: TsunamiLevel;
  lastLevel: TsunamiLevel | null;
  /** ただちに津波来襲と予測 / 津波到達中と推測 / 第１波の到達を確認 */
  firstWave: string | null;
  maxHeight: string | null;
}
export interface Earthquake {
  originTime: number | null;
  hypocenter: string | null;
  magnitude: string | null;
}

export interface Telegram {
  kind: TelegramKind;
  mode: TelegramMode;
  infoType: InfoType;
  /** Control/Title as sent: names the telegram type. */
  title: string;
  /** Control/DateTime: when JMA sent it. */
  sentAt: number;
  /** Head/ReportDateTime: the report time the safety rule measures age from. */
  reportAt: number;
  eventId: string;
  serial: number | null;
  headTitle: string;
  headline: string;
  earthquake: Earthquake | null;
  observed: ObservedArea[];
  eewAreas: EewArea[];
  tsunami: TsunamiItem[];
}

const KINDS: Record<string, TelegramKind> = {
  '緊急地震速報（警報）': 'eew',
  '緊急地震速報（予報）': 'eewForecast',
  '緊急地震速報（地震動予報）': 'eewForecast',
  緊急地震速報配信テスト: 'eewTest',
  震度速報: 'intensityFlash',
  '震源・震度に関する情報': 'quakeInfo',
  '津波警報・注意報・予報a': 'tsunami',
  '津波警報・注意報・予報': 'tsunami',
};
const MODES: Record<string, TelegramMode> = { 通常: 'live', 訓練: 'drill', 試験: 'test' };
const INFO_TYPES: Record<string, InfoType> = { 発表: 'issue', 訂正: 'correction', 遅延: 'delay', 取消: 'cancel' };

/** 警報等情報要素／津波警報・注意報・予報 codes. */
const TSUNAMI_CODES: Record<string, TsunamiLevel> = {
  '00': 'none',
  '50': 'lifted', // 警報解除
  '51': 'warning',
  '52': 'major',
  '53': 'major', // 大津波警報：発表
  '60': 'lifted', // 津波注意報解除
  '62': 'advisory',
  '71': 'forecast', // 津波予報（若干の海面変動）
  '72': 'lifted', // 津波予報（若干の海面変動）：津波警報解除
  '73': 'lifted', // 津波予報（若干の海面変動）：津波注意報解除
};

/** A code not in the table is judged by its name, the stronger reading first. */
function tsunamiLevel(code: string, name: string): TsunamiLevel {
  const byCode = TSUNAMI_CODES[code];
  if (byCode) return byCode;
  if (name.includes('解除')) return 'lifted';
  if (name.includes('大津波警報')) return 'major';
  if (name.includes('津波警報')) return 'warning';
  if (name.includes('津波注意報')) return 'advisory';
  if (name.includes('津波予報')) return 'forecast';
  return 'none';
}

function intensity(value: string): Intensity | null {
  const v = value.normalize('NFKC').trim();
  return (JMA_INTENSITIES as readonly string[]).includes(v) ? (v as Intensity) : null;
}

const UNREPORTED = '震度５弱以上未入電';

function time(value: string, path: string, problems: ErrorDetail[], required: boolean): number | null {
  if (value === '') {
    if (required) problems.push({ path, message: 'is required but missing' });
    return null;
  }
  // JMA writes ISO 8601 with an offset (…+09:00) or Z.
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    problems.push({ path, message: `"${value.slice(0, 40)}" is not a date and time with a time zone` });
    return null;
  }
  return ms;
}

/** CodeDefine/Type xpath → code type, e.g. "Pref/Area/Code" → 地震情報／細分区域. */
function codeTypes(codeDefine: XmlNode | undefined): Map<string, string> {
  return new Map(children(codeDefine, 'Type').map((t) => [attr(t, 'xpath'), textOf(t).trim()]));
}

function earthquake(body: XmlNode | undefined): Earthquake | null {
  const eq = child(body, 'Earthquake');
  if (!eq) return null;
  const origin = text(eq, 'OriginTime');
  const area = child(child(eq, 'Hypocenter'), 'Area');
  const magnitude = child(eq, 'Magnitude');
  const magValue = textOf(magnitude).trim();
  return {
    originTime: origin && !Number.isNaN(Date.parse(origin)) ? Date.parse(origin) : null,
    hypocenter: text(area, 'Name') || null,
    magnitude: attr(magnitude, 'description') || (magValue && magValue !== 'NaN' ? `M${magValue}` : null),
  };
}

/** Body/Intensity/Observation: 細分区域 (Pref/Area) and 市町村等 (Pref/Area/City) with their maximum intensity. */
function observed(body: XmlNode | undefined): ObservedArea[] {
  const obs = child(child(body, 'Intensity'), 'Observation');
  if (!obs) return [];
  const types = codeTypes(child(obs, 'CodeDefine'));
  const areaType = types.get('Pref/Area/Code') ?? CODE_TYPE.quake;
  const cityType = types.get('Pref/Area/City/Code') ?? CODE_TYPE.city;
  const out: ObservedArea[] = [];
  for (const pref of children(obs, 'Pref')) {
    for (const area of children(pref, 'Area')) {
      const cities = children(area, 'City').map((city) => {
        const stations = children(city, 'IntensityStation');
        const unreportedStrong =
          text(city, 'Condition') === UNREPORTED || stations.some((s) => text(s, 'Int') === UNREPORTED);
        return {
          codeType: cityType,
          code: text(city, 'Code'),
          name: text(city, 'Name'),
          maxInt: intensity(text(city, 'MaxInt')),
          unreportedStrong,
        };
      });
      out.push({
        codeType: areaType,
        code: text(area, 'Code'),
        name: text(area, 'Name'),
        maxInt: intensity(text(area, 'MaxInt')),
        unreportedStrong: cities.some((c) => c.unreportedStrong),
      });
      out.push(...cities);
    }
  }
  return out;
}

/**
 * EEW warning areas: Body/Intensity/Forecast/Pref/Area (with the forecast intensity), and the
 * Headline's 細分区域 list, which names the same areas (used when a body lacks them).
 */
function eewAreas(head: XmlNode | undefined, body: XmlNode | undefined): EewArea[] {
  const forecast = child(child(body, 'Intensity'), 'Forecast');
  const types = codeTypes(child(forecast, 'CodeDefine'));
  const areaType = types.get('Pref/Area/Code') ?? CODE_TYPE.quake;
  const out: EewArea[] = [];
  for (const pref of children(forecast, 'Pref')) {
    for (const area of children(pref, 'Area')) {
      const kind = child(child(area, 'Category'), 'Kind');
      const code = text(kind, 'Code');
      const fi = child(area, 'ForecastInt');
      out.push({
        codeType: areaType,
        code: text(area, 'Code'),
        name: text(area, 'Name'),
        warned: /^1\d$/.test(code) || text(kind, 'Name').includes('警報'),
        reached: code === '11' || text(area, 'Condition').includes('到達'),
        forecastFrom: text(fi, 'From') || null,
        forecastTo: text(fi, 'To') || null,
      });
    }
  }
  const known = new Set(out.map((a) => `${a.codeType}:${a.code}`));
  for (const info of children(child(head, 'Headline'), 'Information')) {
    for (const item of children(info, 'Item')) {
      const warned = text(item, 'Kind', 'Name').includes('警報');
      for (const areas of children(item, 'Areas')) {
        const codeType = attr(areas, 'codeType');
        for (const area of children(areas, 'Area')) {
          const key = `${codeType}:${text(area, 'Code')}`;
          if (known.has(key)) continue;
          known.add(key);
          out.push({
            codeType,
            code: text(area, 'Code'),
            name: text(area, 'Name'),
            warned,
            reached: false,
            forecastFrom: null,
            forecastTo: null,
          });
        }
      }
    }
  }
  return out;
}

/** Body/Tsunami/Forecast/Item: one category per 津波予報区. */
function tsunamiItems(body: XmlNode | undefined): TsunamiItem[] {
  const forecast = child(child(body, 'Tsunami'), 'Forecast');
  const types = codeTypes(child(forecast, 'CodeDefine'));
  const areaType = types.get('Item/Area/Code') ?? CODE_TYPE.tsunami;
  return children(forecast, 'Item').map((item) => {
    const category = child(item, 'Category');
    const kindCode = text(category, 'Kind', 'Code');
    const kindName = text(category, 'Kind', 'Name');
    const last = child(category, 'LastKind');
    const height = child(child(item, 'MaxHeight'), 'TsunamiHeight');
    return {
      codeType: areaType,
      code: text(item, 'Area', 'Code'),
      name: text(item, 'Area', 'Name'),
      kindCode,
      kindName,
      level: tsunamiLevel(kindCode, kindName),
      lastLevel: last ? tsunamiLevel(text(last, 'Code'), text(last, 'Name')) : null,
      firstWave: text(item, 'FirstHeight', 'Condition') || null,
      maxHeight: attr(height, 'description') || null,
    };
  });
}

/** Parses one JMA XML document. Throws JmaError (4xx) for anything that is not a readable telegram. */
export function parseTelegram(raw: Buffer): Telegram {
  const { doc, text: xmlText } = readXml(raw);
  const report = child(doc, 'Report');
  const rootTag = /<((?:[A-Za-z_][\w.-]*:)?Report)\b[^>]*>/.exec(xmlText);
  const ns = rootTag
    ? new RegExp(`xmlns(?::[\\w.-]+)?\\s*=\\s*["']${JMA_NAMESPACE.replace(/[./]/g, '\\$&')}["']`)
    : null;
  if (!report || !rootTag || !ns?.test(rootTag[0])) {
    throw new JmaError(
      400,
      'JMA_INVALID',
      'This is not a JMA disaster-information XML document (root <Report> in the jmaxml1 namespace).',
      [{ path: 'Report', message: `root element <Report xmlns="${JMA_NAMESPACE}"> is missing` }],
    );
  }
  const control = child(report, 'Control');
  const head = child(report, 'Head');
  const body = child(report, 'Body');
  const problems: ErrorDetail[] = [];
  const title = text(control, 'Title');
  if (!title) problems.push({ path: 'Report.Control.Title', message: 'is required but missing' });
  const statusText = text(control, 'Status');
  const mode = MODES[statusText];
  if (!mode)
    problems.push({ path: 'Report.Control.Status', message: `"${statusText.slice(0, 20)}" is not 通常, 訓練 or 試験` });
  const sentAt = time(text(control, 'DateTime'), 'Report.Control.DateTime', problems, true);
  const reportAt = time(text(head, 'ReportDateTime'), 'Report.Head.ReportDateTime', problems, true);
  const eventId = text(head, 'EventID');
  if (!eventId) problems.push({ path: 'Report.Head.EventID', message: 'is required but missing' });
  // A tsunami telegram lists every earthquake behind its warnings (14 digits each, space-separated).
  else if (eventId.length > 1000)
    problems.push({ path: 'Report.Head.EventID', message: 'is longer than 1000 characters' });
  const infoTypeText = text(head, 'InfoType');
  const infoType = INFO_TYPES[infoTypeText];
  if (!infoType)
    problems.push({
      path: 'Report.Head.InfoType',
      message: `"${infoTypeText.slice(0, 20)}" is not 発表, 訂正, 遅延 or 取消`,
    });
  const serialText = text(head, 'Serial').normalize('NFKC');
  if (serialText !== '' && !/^\d{1,6}$/.test(serialText))
    problems.push({ path: 'Report.Head.Serial', message: `"${serialText.slice(0, 20)}" is not a number` });
  if (problems.length > 0 || !mode || !infoType || sentAt === null || reportAt === null) {
    throw new JmaError(
      400,
      'JMA_INVALID',
      `This JMA telegram is incomplete: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  const kind = KINDS[title] ?? 'other';
  return {
    kind,
    mode,
    infoType,
    title: title.slice(0, 100),
    sentAt,
    reportAt,
    eventId,
    serial: serialText === '' ? null : Number(serialText),
    headTitle: text(head, 'Title').slice(0, 200),
    headline: text(head, 'Headline', 'Text').slice(0, 1000),
    earthquake: earthquake(body),
    observed: kind === 'intensityFlash' || kind === 'quakeInfo' ? observed(body) : [],
    eewAreas: kind === 'eew' ? eewAreas(head, body) : [],
    tsunami: kind === 'tsunami' ? tsunamiItems(body) : [],
  };
}
