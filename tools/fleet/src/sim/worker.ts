/**
 * The fleet as the bench runs it: a child process (pinned to its own core) driven over IPC. It also
 * holds the baselines' clients — bare `ws` clients and plain Socket.IO clients — so that a figure
 * and its baseline are measured by the same process on the same core.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { serveIpc } from '../bench/ipc';
import { Fleet, pool, samplePayload, sleep } from './fleet';
import { requestJson } from './http';
import { alert200, speechFanout } from './speech';
import { summarise } from './stats';
import type { TerminalIdentity, Transport } from './terminal';
import { openThinReceivers, type ThinReceiver } from './thin';
import { stormRecorder } from './timeline';
import { collectFleet, type Seen, watchFleet, watchWs } from './watch';

let fleet: Fleet | null = null;
const identities: TerminalIdentity[] = [];
let wsClients: WebSocket[] = [];
let sioClients: Socket[] = [];
let thinClients: ThinReceiver[] = [];

/** Opens clients (100 at a time) until `clients` holds `count`; the time it took and how many there are. */
async function connectUpTo<C>(clients: C[], count: number, open: () => Promise<C>) {
  const started = performance.now();
  const fresh = await pool(
    Array.from({ length: Math.max(0, count - clients.length) }, (_, i) => i),
    100,
    open,
  );
  clients.push(...fresh);
  return { ms: performance.now() - started, connected: clients.length };
}
/**
 * A baseline server's fan-out: `listen` arms each client to call `arrived` once on the message,
 * then `POST {publishBase}/publish` sends one payload to all; publish → each arrival.
 */
async function baselineFanout(
  expected: number,
  listen: (arrived: () => void) => void,
  publishBase: string,
  timeoutMs = 30_000,
) {
  const payload = JSON.stringify(samplePayload(1));
  const times: number[] = [];
  let startedAt = 0;
  const done = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    listen(() => {
      times.push(performance.now() - startedAt);
      if (times.length === expected) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  startedAt = performance.now();
  const res = await requestJson(publishBase, '/publish', { body: { payload } });
  const publishMs = performance.now() - startedAt;
  if (res.status !== 200) throw new Error(`baseline publish: HTTP ${res.status}`);
  const complete = await done;
  return { terminals: expected, complete, publishMs, receive: summarise(times), received: times.length };
}

const need = () => {
  if (!fleet) throw new Error('init first');
  return fleet;
};

interface StormState {
  armedAt: number;
  reconnectedAt: Map<number, number>;
  gaveUp: number;
  recorder: ReturnType<typeof stormRecorder>;
}
let storm: StormState | null = null;
let clipWatch: ReturnType<typeof watchFleet> | null = null;
let wsCollect: ((timeoutMs?: number) => Promise<Seen>) | null = null;

serveIpc({
  init: (a: { hub: string; transports?: Transport[]; heartbeatMs: number }) => {
    fleet?.close();
    fleet = new Fleet({
      hub: a.hub,
      transports: a.transports,
      heartbeatMs: a.heartbeatMs,
      log: (l) => console.error(l),
    });
    if (identities.length) fleet.adopt(identities);
    return true;
  },

  enroll: async (a: { codes: string[] }) => {
    const f = need();
    const started = performance.now();
    const ids = await f.enroll(a.codes, 32, identities.length);
    identities.push(...ids);
    f.adopt(ids);
    return { enrolled: ids.length, ms: performance.now() - started };
  },

  identities: () => identities,

  /** Terminals enrolled elsewhere (the bench's preparation). */
  adopt: (a: { identities: TerminalIdentity[] }) => {
    identities.push(...a.identities);
    need().adopt(a.identities);
    return identities.length;
  },

  connect: async (a: { count: number; concurrency?: number; timeoutMs?: number }) => {
    const r = await need().connect(a.count, a.concurrency ?? 100, a.timeoutMs ?? 60_000);
    return { ms: r.ms, connected: r.connected, failed: r.failed.length, firstFailures: r.failed.slice(0, 3) };
  },

  connectedCount: () => need().connectedCount,

  disconnect: async (a: { from?: number }) => {
    need().disconnect(a.from ?? 0);
    await sleep(500);
    return need().connectedCount;
  },

  fanout: (a: { apiKey: string; timeoutMs?: number }) => need().fanout(a.apiKey, a.timeoutMs ?? 30_000),

  speechFanout: (a: { apiKey: string; hub: string; label: string; timeoutMs?: number }) =>
    speechFanout(need(), a.hub, a.apiKey, alert200(a.label), a.timeoutMs ?? 30_000),

  jmaFanout: (a: { apiKey: string; xml: string; timeoutMs?: number }) =>
    need().jmaFanout(a.apiKey, a.xml, a.timeoutMs ?? 30_000),

  // ---- fan-outs measured across several fleet processes (wall-clock times; the bench publishes)

  /** From now on: note each announcement's arrival, and fetch its clip on arrival when `clip`. */
  watch: (a: { hub: string; clip: boolean }) => {
    need().hooks = {};
    clipWatch = a.clip ? watchFleet(need(), a.hub) : null;
    return need().connectedCount;
  },

  collect: (a: { id: number; timeoutMs: number }) => collectFleet(need(), clipWatch, a.id, a.timeoutMs),

  wsWatch: (a: { clipUrl: string | null }) => {
    wsCollect = watchWs(wsClients, a.clipUrl);
    return wsClients.length;
  },

  wsCollect: (a: { timeoutMs: number }) => {
    if (!wsCollect) throw new Error('wsWatch first');
    return wsCollect(a.timeoutMs);
  },

  checkins: (a: { concurrency: number; durationMs: number }) => need().checkinLoad(a.concurrency, a.durationMs),

  checkinsAtRate: (a: { perSecond: number; durationMs: number }) => need().checkinOpenLoop(a.perSecond, a.durationMs),

  calls: (a: { cookies: string[]; callers: number; overMs: number; shopIds: number[]; holdMs?: number }) =>
    need().callLoad(a),

  /** Before the hub is killed: from now on, note when each terminal is back. */
  stormArm: () => {
    const f = need();
    const armedAt = performance.now();
    const s: StormState = { armedAt, reconnectedAt: new Map(), gaveUp: 0, recorder: stormRecorder(armedAt) };
    storm = s;
    f.hooks = {
      ...s.recorder.hooks,
      connected: (t, at, re) => {
        s.recorder.hooks.connected?.(t, at, re);
        if (!s.reconnectedAt.has(t.identity.terminalId)) s.reconnectedAt.set(t.identity.terminalId, at);
      },
      gaveUp: () => {
        s.gaveUp++;
      },
    };
    return true;
  },

  /** Waits until every terminal is connected again and has announcement `id`; times from the arm. */
  stormWait: async (a: { announcementId: number; count: number; timeoutMs: number; hubBackMs: number }) => {
    const f = need();
    const s = storm;
    if (!s) throw new Error('stormArm first');
    const ok = await f.waitForAnnouncement(a.announcementId, a.count, a.timeoutMs, false);
    const end = performance.now();
    while (f.connectedCount < a.count && performance.now() - end < 2000) await sleep(50);
    const got = f.tracked(a.announcementId).received.map((at) => at - s.armedAt);
    const back = [...s.reconnectedAt.values()].map((at) => at - s.armedAt);
    f.hooks = {};
    const terminals = f.terminals.slice(0, a.count);
    return {
      complete: ok,
      terminals: a.count,
      reconnected: back.length,
      connectedNow: f.connectedCount,
      received: got.length,
      gaveUp: s.gaveUp + terminals.filter((t) => t.gaveUp !== null).length,
      reconnect: summarise(back),
      receive: summarise(got),
      allReceivedMs: got.length ? Math.max(...got) : Number.NaN,
      allReconnectedMs: back.length ? Math.max(...back) : Number.NaN,
      timeline: s.recorder.timeline(a.hubBackMs),
    };
  },

  // ---- baseline: bare ws clients of a bare ws server

  wsConnect: (a: { url: string; count: number }) =>
    connectUpTo(
      wsClients,
      a.count,
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(a.url, { perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),

  wsFanout: (a: { url: string; timeoutMs?: number }) =>
    baselineFanout(
      wsClients.length,
      (arrived) => {
        for (const ws of wsClients)
          ws.once('message', (data) => {
            // The same work a terminal does with it: parse it.
            JSON.parse(String(data));
            arrived();
          });
      },
      a.url.replace(/^ws/, 'http'),
      a.timeoutMs,
    ),

  wsClose: async () => {
    for (const ws of wsClients) ws.terminate();
    wsClients = [];
    await sleep(300);
    return true;
  },

  // ---- baseline: plain Socket.IO clients of a plain Socket.IO server

  sioConnect: (a: { url: string; count: number; transports?: Transport[] }) =>
    connectUpTo(
      sioClients,
      a.count,
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = io(a.url, {
            forceNew: true,
            reconnection: false,
            ...(a.transports ? { transports: a.transports } : {}),
          });
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        }),
    ),

  /** Request → ring through a plain relay: `operators` clients wait, `callers` ask over `overMs`. */
  sioRelay: async (a: { url: string; operators: number; callers: number; overMs: number }) => {
    const ops = await pool(
      Array.from({ length: a.operators }, (_, i) => i),
      50,
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = io(a.url, { forceNew: true, reconnection: false, transports: ['websocket'] });
          s.once('connect', () => s.emit('op:ready', () => resolve(s)));
          s.once('connect_error', reject);
        }),
    );
    const requested = new Map<number, number>();
    const rings: number[] = [];
    for (const op of ops) {
      op.on('ring', (p: { caller: number }) => {
        const t0 = requested.get(p.caller);
        if (t0 !== undefined) rings.push(performance.now() - t0);
      });
    }
    const callers = sioClients.slice(0, a.callers);
    const gap = a.overMs / Math.max(1, callers.length);
    const started = performance.now();
    for (let i = 0; i < callers.length; i++) {
      const wait = started + i * gap - performance.now();
      if (wait > 1) await sleep(wait);
      requested.set(i, performance.now());
      callers[i]!.emit('request', { caller: i });
    }
    const deadline = performance.now() + 5000;
    while (rings.length < callers.length && performance.now() < deadline) await sleep(20);
    for (const op of ops) op.disconnect();
    return { operators: ops.length, callers: callers.length, rang: rings.length, requestToRing: summarise(rings) };
  },

  /** The plain Socket.IO server's broadcast to its clients (socket.io-client, as the virtual terminals use). */
  sioFanout: (a: { url: string; timeoutMs?: number }) =>
    baselineFanout(
      sioClients.length,
      (arrived) => {
        for (const s of sioClients) s.once('announcement:published', () => arrived());
      },
      a.url,
      a.timeoutMs,
    ),

  // ---- the hub's terminals as protocol-level receivers (sim/thin.ts), for the fan-out figure

  thinConnect: async (a: { hub: string; count: number }) => {
    const r = await openThinReceivers(need(), a.hub, identities.slice(thinClients.length, a.count));
    thinClients.push(...r.receivers);
    return { ms: r.ms, connected: thinClients.length, failed: r.failed.length, firstFailures: r.failed.slice(0, 3) };
  },

  thinFanout: (a: { apiKey: string; timeoutMs?: number }) =>
    need().fanout(a.apiKey, a.timeoutMs ?? 30_000, undefined, true, thinClients.length),

  thinClose: async () => {
    for (const r of thinClients) r.close();
    thinClients = [];
    await sleep(500);
    return true;
  },

  sioClose: async () => {
    for (const s of sioClients) s.disconnect();
    sioClients = [];
    await sleep(300);
    return true;
  },
});
process.send?.({ ready: true });
