/**
 * The voice clip for a terminal, answered before Fastify's router (plugins/fast-get.ts): within
 * seconds of an alert every terminal of the city asks for it, and each request through the router
 * and its hooks cost the hub several times the socket write of the clip itself. Only a targeted
 * terminal with a valid credential asking for a clip that exists is answered here, with the same
 * headers and bytes as the route; anything else (staff, API keys, refusals, other query strings)
 * goes on to the route in routes.ts, which decides and words it.
 */
import type { SpeechLanguage } from '@tsunagu/protocol';
import type { Principal } from '../../../lib/principal';
import { bearerToken } from '../../../plugins/auth';
import type { FastGet } from '../../../plugins/fast-get';
import type { HeaderList } from '../../../plugins/security-headers';
import type { SpeechRouteDeps } from './routes';
import type { ServedClip } from './service';

const CLIP_URL = /^\/api\/announcements\/([1-9]\d{0,8})\/speech(?:\?lang=(ja|en))?$/;
/** The route's URL as metrics name it. */
export const CLIP_ROUTE = '/api/announcements/:id/speech';

export interface FastClipDeps extends Pick<SpeechRouteDeps, 'speech'> {
  /**
   * True when what the hub keeps says it was sent to this household; undefined when it does not
   * know at once (the route asks the database).
   */
  targetedNow(id: number, householdId: number): true | undefined;
  /**
   * A credential the route's authentication remembers (it cannot wait for the database): one not
   * remembered yet goes the router's way once, which remembers it.
   */
  authenticate(credential: string): Principal | null | undefined;
  securityHeaders: HeaderList;
  /** Counts an answer (status) as the route's requests are counted. */
  count(status: number): void;
}

/** Flat [name, value, …] lists for writeHead, made once per clip. */
interface Answers {
  ok: string[];
  notModified: string[];
}

export function fastClip(deps: FastClipDeps): FastGet {
  const security = deps.securityHeaders.flat();
  const answers = new WeakMap<ServedClip, Answers>();
  const answersOf = (clip: ServedClip) => {
    let a = answers.get(clip);
    if (!a) {
      const cache = ['cache-control', 'private, no-cache', 'etag', clip.etag];
      a = {
        ok: [...security, ...cache, 'content-type', 'audio/ogg', 'content-length', String(clip.data.length)],
        notModified: [...security, ...cache],
      };
      answers.set(clip, a);
    }
    return a;
  };

  return (req, res) => {
    const url = req.url;
    if (!url?.startsWith('/api/announcements/')) return false;
    const m = CLIP_URL.exec(url);
    if (!m) return false;
    const credential = bearerToken(req.headers.authorization);
    if (!credential?.startsWith('tsd_')) return false;
    const p = deps.authenticate(credential);
    if (p?.kind !== 'terminal') return false;
    const id = Number(m[1]);
    // What the hub keeps in memory answers here; anything else (not read yet) goes to the route.
    if (deps.targetedNow(id, p.householdId) !== true) return false;
    const clip = deps.speech.clipNow(id, (m[2] ?? 'ja') as SpeechLanguage);
    if (!clip) return false;
    const a = answersOf(clip);
    if (req.headers['if-none-match'] === clip.etag) {
      res.writeHead(304, a.notModified).end();
      deps.count(304);
    } else {
      res.writeHead(200, a.ok).end(clip.data);
      deps.count(200);
    }
    return true;
  };
}
