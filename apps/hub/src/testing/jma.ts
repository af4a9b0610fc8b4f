/**
 * JMA telegrams for tests and the bench: the real samples in modules/jma/testdata (気象庁, CC BY 4.0)
 * and variants of them with another event, serial, status, time or area — edited as text, so every
 * variant is still a real telegram's structure.
 */
import fs from 'node:fs';
import path from 'node:path';

export const JMA_TESTDATA = path.resolve(__dirname, '../../src/modules/jma/testdata');

export const jmaSample = (file: string): string => fs.readFileSync(path.join(JMA_TESTDATA, file), 'utf8');

/** The report time of a telegram (Head/ReportDateTime), in ms. */
export function reportTime(xml: string): number {
  const m = /<ReportDateTime>([^<]+)<\/ReportDateTime>/.exec(xml);
  if (!m) throw new Error('no ReportDateTime');
  return Date.parse(m[1]!);
}

export interface TelegramEdit {
  eventId?: string;
  serial?: number | '';
  status?: '通常' | '訓練' | '試験';
  infoType?: '発表' | '訂正' | '取消';
  /** Moves Control/DateTime and Head/ReportDateTime (and the other times) to this instant. */
  at?: number;
}

const iso = (ms: number, offsetHours: number) => {
  const local = new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19);
  return offsetHours === 0 ? `${local}Z` : `${local}+09:00`;
};

/** A variant of a telegram: the same structure with other head values. */
export function editTelegram(xml: string, edit: TelegramEdit): string {
  let out = xml;
  if (edit.eventId !== undefined) out = out.replace(/<EventID>[^<]*<\/EventID>/, `<EventID>${edit.eventId}</EventID>`);
  if (edit.serial !== undefined) out = out.replace(/<Serial>[^<]*<\/Serial>/, `<Serial>${edit.serial}</Serial>`);
  if (edit.status !== undefined) out = out.replace(/<Status>[^<]*<\/Status>/, `<Status>${edit.status}</Status>`);
  if (edit.infoType !== undefined)
    out = out.replace(/<InfoType>[^<]*<\/InfoType>/, `<InfoType>${edit.infoType}</InfoType>`);
  if (edit.at !== undefined) {
    const shift = edit.at - reportTime(xml);
    out = out
      .replace(
        /<DateTime>([^<]+)<\/DateTime>/,
        (_m, t: string) => `<DateTime>${iso(Date.parse(t) + shift, 0)}</DateTime>`,
      )
      .replace(
        /<(ReportDateTime|TargetDateTime|OriginTime|ArrivalTime)>([^<]+)<\/\1>/g,
        (_m, tag: string, t: string) => `<${tag}>${iso(Date.parse(t) + shift, 9)}</${tag}>`,
      );
  }
  return out;
}

/** Mitaka (the demo city) and two coastal cities, as TSUNAGU_JMA_AREAS values. */
export const JMA_CITIES = {
  mitaka: 'quake:351,city:1320400',
  /** 石巻市: 宮城県北部, the city, the 宮城県 tsunami forecast area. */
  ishinomaki: 'quake:220,city:0420200,tsunami:220',
  /** 江東区 on Tokyo Bay: 東京都２３区, the ward, 東京湾内湾. */
  koto: 'quake:350,city:1310800,tsunami:312',
} as const;

/**
 * An EEW warning (the 2024 能登半島沖 VXSE43, current format) as if it covered the demo city's
 * 東京都多摩東部 (351), sent at `at` with its own EventID: the browser test's and the bench's alert.
 */
export function eewForMitaka(at: number, eventId = '20260105090000'): string {
  return editTelegram(jmaSample('20240116184225_02245216_VXSE43.xml'), { at, eventId })
    .replace('<Name>石川県能登</Name><Code>390</Code>', '<Name>東京都多摩東部</Name><Code>351</Code>')
    .replace('<Name>石川県加賀</Name><Code>391</Code>', '<Name>東京都２３区</Name><Code>350</Code>');
}
