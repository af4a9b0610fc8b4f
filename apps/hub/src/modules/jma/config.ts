/** The JMA gateway's settings from the environment (read with the rest of the hub's configuration). */
import type { JmaArea } from '@tsunagu/protocol';
import { parseAreas } from './areas';

export interface JmaConfig {
  /** TSUNAGU_JMA_AREAS, e.g. `quake:351,city:1320400,tsunami:312`; an administrator's setting overrides it. */
  areas: JmaArea[] | null;
  /** TSUNAGU_JMA_MAX_AGE: telegrams whose report time is older are recorded, never announced (0: off). */
  maxAgeSeconds: number;
  /** TSUNAGU_JMA_FEEDS: JMA Atom feed URLs to poll (none: the poller is off). */
  feeds: string[];
  /** TSUNAGU_JMA_POLL_SECONDS: how often each feed is asked (JMA updates them every minute). */
  pollSeconds: number;
}

export const DEFAULT_JMA_CONFIG: JmaConfig = { areas: null, maxAgeSeconds: 600, feeds: [], pollSeconds: 60 };

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, problems: string[]) {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    problems.push(`${name} must be a whole number of seconds, at least ${min} (got "${value}")`);
    return fallback;
  }
  return Number(value);
}

export function loadJmaConfig(env: NodeJS.ProcessEnv, problems: string[]): JmaConfig {
  let areas: JmaArea[] | null = null;
  if (env.TSUNAGU_JMA_AREAS !== undefined && env.TSUNAGU_JMA_AREAS.trim() !== '') {
    const parsed = parseAreas(env.TSUNAGU_JMA_AREAS);
    for (const p of parsed.problems) problems.push(`TSUNAGU_JMA_AREAS: ${p}`);
    areas = parsed.areas;
  }
  const maxAgeSeconds = wholeNumber('TSUNAGU_JMA_MAX_AGE', env.TSUNAGU_JMA_MAX_AGE, 600, 0, problems);
  const pollSeconds = wholeNumber('TSUNAGU_JMA_POLL_SECONDS', env.TSUNAGU_JMA_POLL_SECONDS, 60, 5, problems);
  const feeds = (env.TSUNAGU_JMA_FEEDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const f of feeds) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(f).protocol);
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`TSUNAGU_JMA_FEEDS entries must be http(s) URLs (got "${f}")`);
  }
  return { areas, maxAgeSeconds, feeds, pollSeconds };
}
