/** Writing an announcement as CAP 1.2 XML: Alert when first sent, Update after a change, Cancel after cancelling. */
import { XMLBuilder } from 'fast-xml-parser';
import { DATE_TIME_PARTS, zonedParts } from '../../../lib/zoned-time';
import type { AnnouncementRecord } from '../store';
import { CAP_12_NAMESPACE, CATEGORY, type CapValue } from './model';

type Node = Record<string, unknown>;

/** `2026-04-01T09:30:00+09:00` in the given IANA time zone (CAP forbids "Z"). */
export function capDateTime(ms: number, timeZone: string): string {
  const parts = zonedParts(ms, timeZone, { ...DATE_TIME_PARTS, timeZoneName: 'longOffset' });
  const offset = /GMT([+-]\d\d:\d\d)/.exec(parts.timeZoneName ?? '')?.[1] ?? '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export interface CapExport {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual' | 'Exercise';
  msgType: 'Alert' | 'Update' | 'Cancel';
  references: string | null;
  infos: {
    language: string;
    category: string;
    event: string;
    urgency: string;
    severity: string;
    certainty: string;
    expires: string | null;
    senderName: string;
    headline: string;
    description: string;
    responseType: string | null;
    areaDesc: string;
    geocodes: CapValue[];
  }[];
}

export function buildCapXml(e: CapExport): string {
  const alert: Node = {
    '@_xmlns': CAP_12_NAMESPACE,
    identifier: e.identifier,
    sender: e.sender,
    sent: e.sent,
    status: e.status,
    msgType: e.msgType,
    scope: 'Public',
    ...(e.references ? { references: e.references } : {}),
    info: e.infos.map((i) => ({
      language: i.language,
      category: i.category,
      event: i.event,
      ...(i.responseType ? { responseType: i.responseType } : {}),
      urgency: i.urgency,
      severity: i.severity,
      certainty: i.certainty,
      ...(i.expires ? { expires: i.expires } : {}),
      senderName: i.senderName,
      headline: i.headline,
      description: i.description,
      area: {
        areaDesc: i.areaDesc,
        ...(i.geocodes.length ? { geocode: i.geocodes } : {}),
      },
    })),
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    processEntities: true,
  });
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, alert }) as string;
}

const PARAMS = {
  emergency: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' },
  important: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' },
  routine: { urgency: 'Future', severity: 'Minor', certainty: 'Observed' },
} as const;

interface District {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

/** The words of an announcement's area in Japanese and English, by the kind of target. */
const AREA_WORDS = {
  all: { ja: '全域', en: 'Whole city' },
  groups: { ja: '避難行動要支援者の世帯', en: 'Households needing assistance' },
  selected: { ja: '指定された世帯', en: 'Selected households' },
  separator: { ja: '、', en: ', ' },
} as const;

/** The announcement as CAP 1.2, from this hub as sender (`tsunagu@<host of publicUrl>`). */

export function announcementToCap(
  a: AnnouncementRecord,
  hub: { publicUrl: string; timeZone: string; districts: District[] },
): string {
  const sender = `tsunagu@${new URL(hub.publicUrl).host.replace(/[,\s]/g, '')}`;
  const tz = hub.timeZone;
  const first = a.publishedAt ?? a.createdAt;
  const msgType = a.status === 'cancelled' ? 'Cancel' : a.version > 1 ? 'Update' : 'Alert';
  const identifier =
    msgType === 'Alert'
      ? `tsunagu-${a.id}`
      : msgType === 'Update'
        ? `tsunagu-${a.id}-v${a.version}`
        : `tsunagu-${a.id}-cancel`;
  const districts = new Map(hub.districts.map((d) => [d.id, d]));
  const areaIn = (lang: 'ja' | 'en') =>
    a.target.type === 'all'
      ? AREA_WORDS.all[lang]
      : a.target.type === 'districts'
        ? a.target.districtIds
            .map((id) => {
              const d = districts.get(id);
              return d ? (lang === 'ja' ? d.name : d.nameEn) : String(id);
            })
            .join(AREA_WORDS.separator[lang])
        : a.target.type === 'groups'
          ? AREA_WORDS.groups[lang]
          : AREA_WORDS.selected[lang];
  const areaJa = areaIn('ja');
  const areaEn = areaIn('en');
  const geocodes =
    a.target.type === 'districts'
      ? a.target.districtIds.flatMap((d) =>
          districts.get(d) ? [{ valueName: 'TSUNAGU-DISTRICT', value: districts.get(d)!.code }] : [],
        )
      : [];
  const common = {
    category: a.capCategory && (CATEGORY as readonly string[]).includes(a.capCategory) ? a.capCategory : 'Other',
    ...PARAMS[a.kind],
    expires: a.expiresAt === null ? null : capDateTime(a.expiresAt, tz),
    responseType: null,
    geocodes,
  };
  const infos: CapExport['infos'] = [
    {
      ...common,
      language: 'ja-JP',
      event: a.titleJa,
      senderName: '市役所',
      headline: a.titleJa,
      description: a.bodyJa,
      areaDesc: areaJa,
    },
  ];
  if (a.titleEn || a.bodyEn) {
    infos.push({
      ...common,
      language: 'en-US',
      event: a.titleEn ?? a.titleJa,
      senderName: 'City hall',
      headline: a.titleEn ?? a.titleJa,
      description: a.bodyEn ?? a.titleEn ?? a.bodyJa,
      areaDesc: areaEn,
    });
  }
  return buildCapXml({
    identifier,
    sender,
    sent: capDateTime(msgType === 'Alert' ? first : a.updatedAt, tz),
    status: a.test ? 'Exercise' : 'Actual',
    msgType,
    references: msgType === 'Alert' ? null : `${sender},tsunagu-${a.id},${capDateTime(first, tz)}`,
    infos,
  });
}
