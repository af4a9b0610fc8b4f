/**
 * The fan-out of an alert with the hub's voice, as it happens in a city: city hall listens first
 * (POST /api/announcements/speech-preview makes and keeps the clip), sends, and every terminal
 * fetches the clip (GET /api/announcements/:id/speech) after the text, as the terminal does.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CreateAnnouncementBody, TerminalAnnouncement } from '@tsunagu/protocol';
import type { FanoutResult, Fleet } from './fleet';
import { warmSpeech } from './speech-preview';
import { type LatencySummary, summarise } from './stats';
import type { TerminalRecorder, VirtualTerminal } from './terminal';

export interface SpeechFanoutResult {
  fanout: FanoutResult;
  /** Listening before sending: synthesis (and encoding) of the alert through the hub. */
  previewMs: number;
  clipBytes: number;
  clipDurationMs: number;
  fetched: number;
  failed: number;
  /** Publish request → each terminal holding the whole clip. */
  fetch: LatencySummary;
  /** Publish request → the last terminal holding it. */
  allFetchedMs: number;
}

/** A 200-character Japanese alert (title + text), a drill of an evacuation order to the whole city. */
export function alert200(label: string): CreateAnnouncementBody {
  const title = `【訓練】避難指示（${label}）`;
  const body =
    'これは訓練です。大雨のため、市内を流れる川の水位が上がり、氾濫のおそれがあります。午前10時30分、市内全域に避難指示を出しました。' +
    '川の近くや低い土地にお住まいの方は、直ちに近くの避難所か高い建物へ避難してください。避難所は各地区の小学校と公民館です。' +
    '夜間や外が危ないときは、家の二階以上へ移ってください。';
  const pad = '繰り返します。'.repeat(10);
  const text = (body + pad).slice(0, 200 - title.length);
  return {
    kind: 'emergency',
    test: true,
    titleJa: title,
    bodyJa: text,
    target: { type: 'all' },
    confirmWholeCity: true,
  };
}

const defaultAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * The terminal's schedule for fetching a clip (apps/terminal/src/renderer/features/announcements/
 * clips.ts, ClipSource.prefetchSoon): at a random moment of this spread, starting…
 */
export const CLIP_FETCH_SPREAD_MS = 1500;
/** …this long after its text arrived. */
export const CLIP_FETCH_AFTER_MS = 300;
export const clipFetchDelay = (random: () => number = Math.random) =>
  CLIP_FETCH_AFTER_MS + Math.floor(random() * CLIP_FETCH_SPREAD_MS);

/** Recorder hooks that make each fleet terminal fetch each announcement's clip on the terminal's schedule. */
export function clipHooks(
  fetchClip: (term: VirtualTerminal, a: TerminalAnnouncement) => unknown,
  before: TerminalRecorder = {},
  random: () => number = Math.random,
): TerminalRecorder {
  return {
    ...before,
    announcement: (term, a, at, via) => {
      before.announcement?.(term, a, at, via);
      setTimeout(() => fetchClip(term, a), clipFetchDelay(random));
    },
  };
}

/** What an Ogg stream (the hub's clip) starts with. */
const OGG_MAGIC = Buffer.from('OggS');

/**
 * GET `path` and read the whole body; status 0 when the connection failed. `clip`: the body is all
 * there (as long as its Content-Length) and is an Ogg stream — what the terminal checks before it
 * keeps a clip.
 */
export function getBytes(
  base: string,
  path: string,
  bearer: string | null,
  agent: http.Agent = defaultAgent,
): Promise<{ status: number; bytes: number; clip: boolean }> {
  const url = new URL(path, base);
  return new Promise((resolve) => {
    const req = http.get(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        agent,
        timeout: 30_000,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      },
      (res) => {
        let bytes = 0;
        let head = Buffer.alloc(0);
        res.on('data', (c: Buffer) => {
          if (head.length < OGG_MAGIC.length)
            head = Buffer.concat([head, c.subarray(0, OGG_MAGIC.length - head.length)]);
          bytes += c.length;
        });
        res.on('end', () => {
          const whole = bytes > 0 && Number(res.headers['content-length'] ?? bytes) === bytes;
          const status = res.statusCode ?? 0;
          resolve({ status, bytes, clip: status === 200 && whole && OGG_MAGIC.equals(head) });
        });
        res.on('error', () => resolve({ status: 0, bytes, clip: false }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, bytes: 0, clip: false }));
  });
}

export async function speechFanout(
  fleet: Fleet,
  hub: string,
  apiKey: string,
  body: CreateAnnouncementBody,
  timeoutMs = 30_000,
): Promise<SpeechFanoutResult> {
  const preview = await warmSpeech(hub, apiKey, body);
  const previewMs = preview.ms;

  const fetchedAt: number[] = [];
  let failed = 0;
  let clipBytes = 0;
  const before = fleet.hooks;
  fleet.hooks = clipHooks(
    (term, a) =>
      getBytes(hub, `/api/announcements/${a.id}/speech?lang=ja`, term.identity.credential).then((r) => {
        if (r.clip) {
          fetchedAt.push(performance.now());
          clipBytes = r.bytes;
        } else failed++;
      }),
    before,
  );
  try {
    const startedAt = performance.now();
    const fanout = await fleet.fanout(apiKey, timeoutMs, body, false);
    for (
      const until = performance.now() + timeoutMs;
      fetchedAt.length + failed < fanout.received && performance.now() < until;
    )
      await new Promise((r) => setTimeout(r, 50));
    const fetch = fetchedAt.map((t) => t - startedAt);
    return {
      fanout,
      previewMs,
      clipBytes: clipBytes || preview.bytes,
      clipDurationMs: preview.durationMs,
      fetched: fetchedAt.length,
      failed,
      fetch: summarise(fetch),
      allFetchedMs: fetch.length ? Math.max(...fetch) : Number.NaN,
    };
  } finally {
    fleet.hooks = before;
  }
}
