/**
 * The city's areas in JMA's code tables, typed: `quake:351,city:1320400,tsunami:312`
 * (quake = 地震情報／細分区域, city = 気象・地震・火山情報／市町村等, tsunami = 津波予報区). The numbers of
 * different code types overlap (津波予報区 350 is 富山県, 細分区域 350 is 東京都２３区), so a code
 * without its type is refused.
 */
import type { JmaArea, JmaAreaType } from '@tsunagu/protocol';
import { CODE_TYPE } from './telegram';

export const AREA_TYPES: Record<JmaAreaType, { codeTypes: readonly string[]; pattern: RegExp; example: string }> = {
  quake: { codeTypes: [CODE_TYPE.quake], pattern: /^\d{3}$/, example: 'quake:351' },
  // The short name too, should a telegram ever use it.
  city: { codeTypes: [CODE_TYPE.city, '地震情報／市町村等'], pattern: /^\d{7}$/, example: 'city:1320400' },
  tsunami: { codeTypes: [CODE_TYPE.tsunami], pattern: /^\d{3}$/, example: 'tsunami:312' },
};
export const MAX_AREAS = 50;

/** Problems with a list of areas, in words (empty when it is fine). */
export function areaProblems(areas: readonly JmaArea[]): string[] {
  const problems: string[] = [];
  if (areas.length > MAX_AREAS) problems.push(`at most ${MAX_AREAS} areas`);
  const seen = new Set<string>();
  for (const a of areas) {
    const rule = AREA_TYPES[a.type];
    if (!rule.pattern.test(a.code))
      problems.push(`"${a.type}:${a.code}" is not a ${a.type} code (like ${rule.example})`);
    const key = `${a.type}:${a.code}`;
    if (seen.has(key)) problems.push(`"${key}" is listed twice`);
    seen.add(key);
  }
  return problems;
}

/** Parses `type:code,type:code`; returns the areas or the problems. */
export function parseAreas(value: string): { areas: JmaArea[]; problems: string[] } {
  const areas: JmaArea[] = [];
  const problems: string[] = [];
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+):(\S+)$/.exec(part);
    const type = m?.[1] as JmaAreaType | undefined;
    if (!m || !type || !(type in AREA_TYPES)) {
      problems.push(
        `"${part}" must be a code with its type: quake:NNN (地震情報／細分区域), city:NNNNNNN (市町村等) or tsunami:NNN (津波予報区)`,
      );
      continue;
    }
    areas.push({ type, code: m[2]! });
  }
  return { areas, problems: [...problems, ...areaProblems(areas)] };
}

export const formatAreas = (areas: readonly JmaArea[]) => areas.map((a) => `${a.type}:${a.code}`).join(',');

/** Is this (code type, code) one of the city's areas? */
export function areaMatcher(areas: readonly JmaArea[]): (codeType: string, code: string) => boolean {
  const keys = new Set(areas.flatMap((a) => AREA_TYPES[a.type].codeTypes.map((t) => `${t}\u0000${a.code}`)));
  return (codeType, code) => keys.has(`${codeType}\u0000${code}`);
}
