/**
 * Calls across several hubs (issue 18: PostgreSQL and Redis). One hub runs the router: the hub that
 * runs the scheduled jobs (plugins/jobs.ts, a PostgreSQL advisory lock). Every other hub forwards
 * its sockets' call commands and (dis)connections to it as Socket.IO server-side events through the
 * Redis stream, and the router answers the same way; what it tells terminals and consoles goes to
 * their rooms, which the Redis adapter delivers on whichever hub holds the socket. So one router
 * sees every operator and every caller: nobody is offered two calls, and staff views agree.
 *
 * The router knows which hub holds each socket. A hub not heard of for `LOST_AFTER_MS` is gone:
 * its sockets are, too (a waiting caller keeps its place and a call goes on for the reconnect grace
 * period, time for the terminal or console to come back through another hub). When the router's
 * hub is gone, the next jobs leader takes the router over (calls/restore.ts): waiting callers and
 * connected calls from the calls table, operators' availability from Redis, and which sockets each
 * hub holds from the hubs themselves (each answers `leader` with all of its sockets).
 *
 * Timers here are real ones: this is about processes and connections, not about time in the domain.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, type User } from '@tsunagu/protocol';
import type { Redis } from 'ioredis';
import type { HubContext } from '../../context';
import { AppError } from '../../lib/errors';
import type { TerminalEmit } from '../../plugins/socket';
import type { CallsServiceDeps, StoredOperator, Takeover, TerminalParty } from './live-model';
import type { Calls, CallsService } from './service';

export const BEAT_MS = 1000;
export const LOST_AFTER_MS = 5000;
/** A forwarded command not answered by then is refused: no hub runs the router (it is moving). */
const ANSWER_WITHIN_MS = 10_000;
const OPERATORS_KEY = 'tsunagu:calls:operators';
/** An operator stored as available longer ago than this starts away under a new router. */
const STALE_AFTER_MS = 3 * LOST_AFTER_MS;
const EVENT = 'tsunagu:calls';

/** Commands run by the router's hub (the others are answered where they are asked). */
const FORWARDED = [
  'request',
  'requestCallback',
  'cancel',
  'accept',
  'declineIncoming',
  'setAvailability',
  'endAfterCallWork',
  'answer',
  'declineRing',
  'callBack',
  'callResident',
  'hangUp',
  'relaySignal',
  'terminalSync',
  'staffSync',
  'terminalReady',
  'hold',
  'queueView',
  'operatorState',
  'callInfo',
  'record',
] as const satisfies readonly (keyof CallsService)[];
type Forwarded = (typeof FORWARDED)[number];

type Present = { kind: 'terminal'; party: TerminalParty } | { kind: 'staff'; user: User };
type WireError = { status: number; code: string; message: string; retryAfterSeconds?: number };
type Message =
  | { t: 'beat' | 'leader'; from: string }
  | { t: 'up'; from: string; socketId: string; present: Present }
  | { t: 'down'; from: string; socketId: string }
  | { t: 'sockets'; from: string; sockets: [string, Present][] }
  | { t: 'call'; from: string; id: string; method: Forwarded; args: unknown[] }
  | { t: 'answer'; from: string; to: string; id: string; ok: true; value: unknown }
  | { t: 'answer'; from: string; to: string; id: string; ok: false; error: WireError };

export interface CallsCluster extends Calls {
  /** The router's service while this hub runs it. */
  engine(): CallsService | null;
}

export function createCallsCluster(
  ctx: HubContext,
  deps: CallsServiceDeps,
  options: {
    redis: Redis;
    create: (takeover: Takeover) => Promise<CallsService>;
    iceServers: Calls['iceServers'];
  },
): CallsCluster {
  const { redis } = options;
  const nsp = ctx.sockets.io.of('/');
  const me = randomUUID();
  let engine: CallsService | null = null;
  let starting: Promise<CallsService | null> | null = null;
  let closed = false;
  /** This hub's sockets that take part in calls. */
  const mine = new Map<string, Present>();
  /**
   * On the router's hub: every hub's sockets (a console's session recovered through another hub
   * keeps its id: it moves), and when each hub was last heard of.
   */
  const known = new Map<string, { hub: string; present: Present }>();
  const hubs = new Map<string, number>();
  const waiting = new Map<string, { settle: (m: Extract<Message, { t: 'answer' }>) => void; timer: NodeJS.Timeout }>();
  let sequence = 0;

  const send = (m: Message) => void nsp.serverSideEmit(EVENT, JSON.stringify(m));
  const ready = () => starting ?? Promise.resolve(engine);
  const emitTo =
    (socketId: string): TerminalEmit =>
    (event, ...args) =>
      (ctx.sockets.terminals.to(socketId).emit as (e: string, ...a: unknown[]) => void)(event, ...args);

  // ---- the router's hub: who is connected where ------------------------------------------------

  function up(from: string, socketId: string, present: Present) {
    const k = known.get(socketId);
    if (!engine || k?.hub === from) return;
    known.set(socketId, { hub: from, present });
    if (k) return;
    if (present.kind === 'terminal') engine.terminalConnected(present.party, emitTo(socketId), socketId);
    else engine.staffConnected(present.user, socketId);
  }
  function down(from: string, socketId: string, hubLost = false) {
    const k = known.get(socketId);
    if (!engine || k?.hub !== from) return;
    known.delete(socketId);
    const p = k.present;
    if (p.kind === 'terminal') engine.terminalDisconnected(p.party, socketId, hubLost);
    else engine.staffDisconnected(p.user, socketId);
  }
  /** A hub's whole list of sockets: those missing from it are gone, the others are there. */
  function sockets(from: string, list: [string, Present][]) {
    const now = new Set(list.map(([id]) => id));
    for (const [id, k] of [...known]) if (k.hub === from && !now.has(id)) down(from, id);
    for (const [id, p] of list) up(from, id, p);
  }
  function sweep() {
    const before = Date.now() - LOST_AFTER_MS;
    const lost = new Set([...hubs].filter(([id, seen]) => id !== me && seen < before).map(([id]) => id));
    if (lost.size === 0) return;
    ctx.log.warn({ hubs: [...lost] }, 'calls: hubs not heard of; their sockets are taken as lost');
    for (const [id, k] of [...known]) if (lost.has(k.hub)) down(k.hub, id, true);
    for (const id of lost) hubs.delete(id);
  }

  async function serve(m: Extract<Message, { t: 'call' }>) {
    const e = await ready();
    if (!e || !FORWARDED.includes(m.method)) return;
    try {
      const value = await (e[m.method] as (...a: unknown[]) => unknown)(...m.args);
      await e.committed();
      send({ t: 'answer', from: me, to: m.from, id: m.id, ok: true, value });
    } catch (err) {
      if (!(err instanceof AppError)) ctx.log.error({ err, method: m.method }, 'calls: a forwarded command failed');
      const error: WireError =
        err instanceof AppError
          ? { status: err.statusCode, code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds }
          : { status: 500, code: 'INTERNAL', message: 'Something went wrong on the hub.' };
      send({ t: 'answer', from: me, to: m.from, id: m.id, ok: false, error });
    }
  }

  nsp.on(EVENT, (raw: string) => {
    if (closed) return;
    const m = JSON.parse(raw) as Message;
    if (m.t === 'answer') {
      if (m.to !== me) return;
      const w = waiting.get(m.id);
      w?.settle(m);
      return;
    }
    if (m.t === 'leader') return send({ t: 'sockets', from: me, sockets: [...mine] });
    if (!engine) return m.t === 'call' ? void serve(m) : undefined;
    // A hub the router has not heard of (new, or taken as gone too early): it sends its sockets.
    if (!hubs.has(m.from) && m.t !== 'sockets') send({ t: 'leader', from: me });
    hubs.set(m.from, Date.now());
    if (m.t === 'up') up(m.from, m.socketId, m.present);
    else if (m.t === 'down') down(m.from, m.socketId);
    else if (m.t === 'sockets') sockets(m.from, m.sockets);
    else if (m.t === 'call') void serve(m);
  });

  const beat = setInterval(() => {
    send({ t: 'beat', from: me });
    if (!engine) return;
    sweep();
    store([...available.values()]);
  }, BEAT_MS);
  beat.unref();

  // ---- taking the router over and giving it up --------------------------------------------------

  /**
   * Operators the router has available, stored with the time: refreshed every beat, so a router
   * taking over after a restart of every hub does not take an operator who was available an hour
   * ago as available now (only within `STALE_AFTER_MS`; the others start away, as on one hub).
   */
  const available = new Map<number, StoredOperator>();
  function store(ops: StoredOperator[]) {
    if (ops.length === 0) return;
    const at = Date.now();
    const fields = ops.flatMap((o) => [String(o.id), `${o.shopId}:${o.availability}:${at}`]);
    redis
      .hset(OPERATORS_KEY, ...fields)
      .catch((err) => ctx.log.error({ err }, 'calls: availability not stored in Redis'));
  }
  deps.onOperatorsChanged = (ops) => {
    for (const o of ops) {
      if (o.availability === 'available') available.set(o.id, o);
      else available.delete(o.id);
    }
    store(ops);
  };
  async function operators(): Promise<StoredOperator[]> {
    try {
      const since = Date.now() - STALE_AFTER_MS;
      return Object.entries(await redis.hgetall(OPERATORS_KEY)).flatMap(([id, v]) => {
        const [shopId, availability, at] = v.split(':');
        return availability === 'available' && Number(at) >= since
          ? [{ id: Number(id), shopId: Number(shopId), availability: 'available' as const }]
          : [];
      });
    } catch (err) {
      ctx.log.error({ err }, 'calls: operators’ availability could not be read from Redis; they start away');
      return [];
    }
  }

  async function takeOver(): Promise<CallsService | null> {
    const e = await options.create({ operators: await operators() });
    if (closed || starting === null) {
      await e.dispose();
      return null;
    }
    engine = e;
    hubs.clear();
    known.clear();
    sockets(me, [...mine]);
    send({ t: 'leader', from: me });
    ctx.log.info('calls: this hub runs the call router');
    return e;
  }
  async function giveUp() {
    const s = starting;
    starting = null;
    await s?.catch(() => null);
    const e = engine;
    engine = null;
    hubs.clear();
    known.clear();
    available.clear();
    await e?.dispose();
  }
  ctx.jobs.add('call-router', {
    start() {
      const s = takeOver();
      starting = s;
      s.then(
        () => {
          if (starting === s) starting = null;
        },
        (err) => {
          ctx.log.error({ err }, 'calls: the call router could not be taken over');
          if (starting === s) starting = null;
        },
      );
    },
    stop: giveUp,
  });

  // ---- the service as this hub's sockets and modules use it ------------------------------------

  function forward(method: Forwarded, args: unknown[]): Promise<unknown> {
    const id = `${me}:${++sequence}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(
          new AppError(
            503,
            ErrorCodes.CALLS_UNAVAILABLE,
            'Calls are moving to another hub. Try again in a moment.',
            undefined,
            2,
          ),
        );
      }, ANSWER_WITHIN_MS);
      waiting.set(id, {
        timer,
        settle(m) {
          clearTimeout(timer);
          waiting.delete(id);
          if (m.ok) resolve(m.value);
          else
            reject(new AppError(m.error.status, m.error.code, m.error.message, undefined, m.error.retryAfterSeconds));
        },
      });
      send({ t: 'call', from: me, id, method, args });
    });
  }
  const forwarded = Object.fromEntries(
    FORWARDED.map((method) => [
      method,
      async (...args: unknown[]) => {
        const e = await ready();
        return e ? (e[method] as (...a: unknown[]) => unknown)(...args) : forward(method, args);
      },
    ]),
  ) as unknown as Pick<Calls, Forwarded>;

  const present = (socketId: string, p: Present) => {
    mine.set(socketId, p);
    if (engine) up(me, socketId, p);
    else if (!starting) send({ t: 'up', from: me, socketId, present: p });
  };
  const gone = (socketId: string) => {
    if (!mine.delete(socketId)) return;
    if (engine) down(me, socketId);
    else if (!starting) send({ t: 'down', from: me, socketId });
  };

  return {
    ...forwarded,
    engine: () => engine,
    terminalConnected: (party, _emit, socketId) => present(socketId!, { kind: 'terminal', party }),
    terminalDisconnected: (_party, socketId) => gone(socketId!),
    staffConnected: (user, socketId) => present(socketId, { kind: 'staff', user }),
    staffDisconnected: (_user, socketId) => gone(socketId),
    // ICE servers come from the configuration every hub has; the history from the database.
    iceServers: (actor) => options.iceServers(actor),
    history: (filter) => deps.store.list(filter),
    setOrderLookup(fn) {
      deps.orderLookup = fn;
    },
    committed: () => engine?.committed() ?? Promise.resolve(),
    async dispose() {
      closed = true;
      clearInterval(beat);
      for (const w of waiting.values()) clearTimeout(w.timer);
      await giveUp();
    },
  };
}
