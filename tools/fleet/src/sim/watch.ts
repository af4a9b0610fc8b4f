/**
 * For fan-outs measured across several fleet processes (the bench's disaster part): each process
 * notes, in wall-clock milliseconds shared by all processes on the machine (performance.timeOrigin
 * + performance.now()), when each of its terminals received an announcement and, if asked, when it
 * then held the whole voice clip (checked: all its bytes, an Ogg stream) — fetched when the real
 * terminal fetches it: at a random moment of a short spread after the text arrived
 * (ClipSource.prefetchSoon). The same for the bare `ws` baseline clients (and a plain HTTP file for
 * their clip), on the same schedule from the message's arrival.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import type { Fleet } from './fleet';
import { clipFetchDelay, clipHooks, getBytes } from './speech';

export const epochNow = () => performance.timeOrigin + performance.now();

/** What one process saw of one announcement (or one baseline message). */
export interface Seen {
  terminals: number;
  received: number[];
  stored: number[];
  fetched: number[];
  failed: number;
  clipBytes: number;
}

/** Terminals fetch clips over their own connections in a city; here at most this many at a time per process. */
export const CLIP_CONNECTIONS = 1000;

interface ClipWatch {
  fetched: Map<number, number[]>;
  failed: Map<number, number>;
  bytes: number;
}

/** Fleet terminals fetch each announcement's clip as the terminal does: soon after the text. */
export function watchFleet(fleet: Fleet, hub: string): ClipWatch {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIP_CONNECTIONS });
  const w: ClipWatch = { fetched: new Map(), failed: new Map(), bytes: 0 };
  fleet.hooks = clipHooks((term, a) =>
    getBytes(hub, `/api/announcements/${a.id}/speech?lang=ja`, term.identity.credential, agent).then((r) => {
      if (r.clip) {
        const list = w.fetched.get(a.id) ?? [];
        list.push(epochNow());
        w.fetched.set(a.id, list);
        w.bytes = r.bytes;
      } else w.failed.set(a.id, (w.failed.get(a.id) ?? 0) + 1);
    }),
  );
  return w;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every connected terminal received `id` (and fetched its clip, when watched so). */
export async function collectFleet(fleet: Fleet, w: ClipWatch | null, id: number, timeoutMs: number): Promise<Seen> {
  const terminals = fleet.connectedCount;
  const until = performance.now() + timeoutMs;
  const clipDone = (received: number) => !w || (w.fetched.get(id)?.length ?? 0) + (w.failed.get(id) ?? 0) >= received;
  for (;;) {
    const t = fleet.tracked(id);
    const done = t.received.length >= terminals && t.stored.length >= terminals && clipDone(t.received.length);
    if (done || performance.now() > until) break;
    await sleep(25);
  }
  const t = fleet.tracked(id);
  const toEpoch = (at: number) => performance.timeOrigin + at;
  fleet.hooks = {};
  return {
    terminals,
    received: t.received.map(toEpoch),
    stored: t.stored.map(toEpoch),
    fetched: w?.fetched.get(id) ?? [],
    failed: w?.failed.get(id) ?? 0,
    clipBytes: w?.bytes ?? 0,
  };
}

/** The bare `ws` clients: note each message's arrival, and fetch `clipUrl` (a plain file) after it, within the spread. */
export function watchWs(clients: readonly WebSocket[], clipUrl: string | null): () => Promise<Seen> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIP_CONNECTIONS });
  const seen: Seen = { terminals: clients.length, received: [], stored: [], fetched: [], failed: 0, clipBytes: 0 };
  const listeners = clients.map((ws) => {
    const on = (data: WebSocket.RawData) => {
      // The same work a terminal does with it: parse it.
      JSON.parse(String(data));
      seen.received.push(epochNow());
      if (!clipUrl) return;
      setTimeout(
        () =>
          void getBytes(clipUrl, '', null, agent).then((r) => {
            if (r.clip) {
              seen.fetched.push(epochNow());
              seen.clipBytes = r.bytes;
            } else seen.failed++;
          }),
        clipFetchDelay(),
      );
    };
    ws.once('message', on);
    return { ws, on };
  });
  return async (timeoutMs = 60_000) => {
    const until = performance.now() + timeoutMs;
    while (
      (seen.received.length < clients.length ||
        (clipUrl && seen.fetched.length + seen.failed < seen.received.length)) &&
      performance.now() < until
    )
      await sleep(25);
    for (const { ws, on } of listeners) ws.off('message', on);
    return seen;
  };
}
