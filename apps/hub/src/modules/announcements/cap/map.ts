/** Mapping a CAP alert to an announcement: how loud (kind), what text, until when, and which districts its areas cover. */
import type { AnnouncementKind } from '@tsunagu/protocol';
import type { AnnouncementWording } from '../records';
import type { CapAlert, CapArea, CapInfo } from './model';

const rank: Record<AnnouncementKind, number> = { routine: 0, important: 1, emergency: 2 };

/** Urgency × severity × certainty → how loudly the terminal speaks. */
export function kindOfInfo(info: Pick<CapInfo, 'urgency' | 'severity' | 'certainty'>): AnnouncementKind {
  const soon = info.urgency === 'Immediate' || info.urgency === 'Expected';
  const grave = info.severity === 'Extreme' || info.severity === 'Severe';
  const sure = info.certainty === 'Observed' || info.certainty === 'Likely' || info.certainty === 'Very Likely';
  if (soon && grave && sure) return 'emergency';
  if (info.urgency !== 'Past' && (grave || info.severity === 'Moderate' || info.urgency === 'Immediate'))
    return 'important';
  return 'routine';
}

export interface CapAnnouncement extends AnnouncementWording {
  expiresAt: number | null;
  safetyCheck: boolean;
  category: string | null;
  areas: CapArea[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const titleOf = (i: CapInfo) => clip((i.headline ?? i.event).trim() || i.event, 200);
const bodyOf = (i: CapInfo) =>
  clip(
    [i.description, i.instruction]
      .filter((x) => x?.trim())
      .join('\n\n')
      .trim() || i.event,
    4000,
  );

/** The announcement an alert makes (caller has already decided there is something to announce). */
export function capToAnnouncement(alert: CapAlert): CapAnnouncement {
  const infos = alert.infos;
  const ja = infos.find((i) => /^ja\b/i.test(i.language)) ?? infos[0]!;
  const en = infos.find((i) => /^en\b/i.test(i.language) && i !== ja) ?? null;
  let kind: AnnouncementKind = 'routine';
  for (const i of infos) if (rank[kindOfInfo(i)] > rank[kind]) kind = kindOfInfo(i);
  const test = alert.status === 'Test' || alert.status === 'Exercise';
  // A drill keeps its kind: an emergency drill takes over terminals marked and spoken as 訓練, as
  // J-ALERT's nationwide tests do (the terminal says 「これは訓練です」 first).
  const expiries = infos.map((i) => (i.expires ? Date.parse(i.expires) : null));
  const expiresAt = expiries.some((e) => e === null) ? null : Math.max(...(expiries as number[]));
  const safetyCheck =
    kind === 'emergency' && infos.some((i) => i.responseTypes.some((r) => r === 'Evacuate' || r === 'Shelter'));
  return {
    kind,
    test,
    titleJa: titleOf(ja),
    bodyJa: bodyOf(ja),
    titleEn: en ? titleOf(en) : null,
    bodyEn: en ? bodyOf(en) : null,
    expiresAt,
    safetyCheck,
    category: ja.categories[0] ?? null,
    areas: infos.flatMap((i) => i.areas),
  };
}

type Point = { lat: number; lon: number };

/** `lat,lon lat,lon …` (WGS 84); null when it is not a ring of at least four points. */
export function parsePolygon(text: string): Point[] | null {
  const points = text
    .trim()
    .split(/\s+/)
    .map((pair) => pair.replace(/,+$/, '').split(','))
    .map(([lat, lon]) => ({ lat: Number(lat), lon: Number(lon) }));
  if (points.length < 4 || points.some((p) => !Number.isFinite(p.lat) || !Number.isFinite(p.lon))) return null;
  return points;
}

/** `lat,lon radius-km`; null when malformed. */
export function parseCircle(text: string): (Point & { radiusKm: number }) | null {
  const m = /^\s*([-+]?\d+(?:\.\d+)?),([-+]?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
  return m ? { lat: Number(m[1]), lon: Number(m[2]), radiusKm: Number(m[3]) } : null;
}

/** Ray casting; fine at the scale of a city (the polygon's edges are short). */
export function insidePolygon(p: Point, polygon: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon)
      inside = !inside;
  }
  return inside;
}

/** Great-circle distance (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Districts an alert's areas cover: areaDesc naming a district, a geocode equal to a district
 * code, or a polygon/circle containing a district's centroid (when centroids are configured).
 * Empty when nothing matched (the caller then targets the whole city).
 */
export function matchDistricts(
  areas: CapArea[],
  districts: { id: number; code: string; name: string; nameEn: string }[],
  centroids: { districtId: number; lat: number; lon: number }[] = [],
): number[] {
  const found = new Set<number>();
  const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  for (const area of areas) {
    const desc = norm(area.areaDesc);
    const codes = area.geocodes.map((g) => norm(g.value)).filter(Boolean);
    for (const d of districts) {
      const names = [d.name, d.nameEn, d.code].map(norm).filter((x) => x.length >= 2);
      if (codes.includes(norm(d.code)) || names.some((n) => desc.includes(n))) found.add(d.id);
    }
    const polygons = area.polygons.map(parsePolygon).filter((x): x is Point[] => x !== null);
    const circles = area.circles.map(parseCircle).filter((x): x is Point & { radiusKm: number } => x !== null);
    for (const c of centroids) {
      const inPolygon = polygons.some((poly) => insidePolygon(c, poly));
      if (inPolygon || circles.some((circle) => distanceKm(c, circle) <= circle.radiusKm)) found.add(c.districtId);
    }
  }
  return [...found].sort((a, b) => a - b);
}
