/**
 * The virtual terminal fleet: enrolls terminals through the hub's enrollment API, keeps N of them
 * connected, and drives the loads the benchmarks measure — an announcement fan-out (delivered
 * receipts acked once stored), check-ins, calls to operators — recording every timing.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import {
  type Ack,
  type Announcement,
  type CallInfo,
  type CreateAnnouncementBody,
  type EnrollResponse,
  type OperatorState,
  STAFF_NAMESPACE,
  type TerminalAnnouncement,
} from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { expectStatus, isLoopbackUrl, loopbackAddress, requestJson } from './http';
import { warmSpeech } from './speech-preview';
import { type LatencySummary, slowWindow, summarise } from './stats';
import { command, type TerminalIdentity, type TerminalRecorder, type Transport, VirtualTerminal } from './terminal';

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A drill to the whole city: the largest fan-out there is (a drill is sent as "important"). */
/** What the drill says: the same words whether sent through the API, stored directly or sent as a baseline. */
export function drillWording(label = 'fleet') {
  return {
    kind: 'important' as const,
    test: true,
    titleJa: `【訓練】避難情報の配信試験（${label}）`,
    bodyJa:
      'これは訓練です。大雨のため、市内全域に避難指示が出たという想定で、配信の速さを測っています。実際の避難は必要ありません。',
    titleEn: `[Drill] Evacuation alert delivery test (${label})`,
    bodyEn:
      'This is a drill. We are measuring how fast an evacuation order for the whole city reaches every home. No action is needed.',
  };
}

export function drillAnnouncement(label = 'fleet'): CreateAnnouncementBody {
  return { ...drillWording(label), target: { type: 'all' } };
}

export interface FleetOptions {
  hub: string;
  transports?: Transport[];
  heartbeatMs?: number;
  /** Give each terminal its own 127.x.y.z source address when the hub is on this machine (default). */
  bindAddresses?: boolean;
  log?: (line: string) => void;
}

export interface FanoutResult {
  announcementId: number;
  terminals: number;
  /** Publish request → the hub's 201 answer. */
  publishMs: number;
  /** Publish request → each terminal receiving it. */
  receive: LatencySummary;
  /** Publish request → the last `delivered` receipt acked as stored. */
  allStoredMs: number;
  received: number;
  stored: number;
  missing: number;
  /**
   * This fleet process's own GC pauses between the publish and the last terminal receiving it: a
   * pause holds every virtual terminal here, so reception times after it are the fleet's, not the hub's.
   */
  fleetGc: FleetGc;
}

export interface FleetGc {
  pauses: number;
  totalMs: number;
  longestMs: number;
}

/** For the bench's log: "; the slowest 1 % sent 1200–1450 ms into it". */
export function slowWindowNote(r: CheckinLoadResult): string {
  const w = r.slowSentWithin;
  const gc = r.fleetGc ? `; the fleet's own GC: ${r.fleetGc.pauses} pauses, longest ${r.fleetGc.longestMs} ms` : '';
  return (w ? `; the slowest 1 % sent ${w.fromMs}–${w.toMs} ms into it` : '') + gc;
}

export interface CheckinLoadResult {
  concurrency: number;
  durationMs: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  perSecond: number;
  latency: LatencySummary;
  /** Open loop only: when the slowest 1 % were sent, in ms from the stage's start. */
  slowSentWithin?: { fromMs: number; toMs: number };
  /** Open loop only: the fleet process's own GC over the stage (a pause holds every virtual terminal). */
  fleetGc?: FleetGc;
}

export interface CallLoadResult {
  operators: number;
  callers: number;
  overMs: number;
  rang: number;
  failures: Record<string, number>;
  /** Request emitted → the operator's call:ringing. */
  requestToRing: LatencySummary;
  /** Request emitted → its ack (place in the queue). */
  requestToAck: LatencySummary;
}

/** A shop operator in the console: available, answers each ring, talks for `holdMs`, hangs up. */
export class VirtualOperator {
  readonly socket: Socket;
  rings = 0;
  constructor(
    hub: string,
    readonly cookie: string,
    private readonly onRing: (p: CallInfo, at: number) => void,
    private readonly holdMs = 1000,
  ) {
    const base = new URL(hub);
    this.socket = io(new URL(STAFF_NAMESPACE.slice(1), base).href, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      transports: ['websocket'],
      extraHeaders: { cookie },
      forceNew: true,
      autoConnect: false,
      reconnection: true,
    });
    this.socket.on('call:ringing', (p: CallInfo) => {
      this.rings++;
      this.onRing(p, performance.now());
      void this.take(p.callId);
    });
  }

  private async take(callId: number) {
    const answered = await command<CallInfo>(this.socket, 'call:answer', { callId });
    if (!answered.ok) return;
    await sleep(this.holdMs);
    await command(this.socket, 'call:hangUp', { callId });
    await command<OperatorState>(this.socket, 'call:endAfterCallWork', {});
  }

  connect(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('operator: not connected in time')), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
      this.socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
        if (this.socket.active) return;
        clearTimeout(t);
        reject(new Error(`operator refused: ${err.data?.code ?? err.message}`));
      });
      this.socket.connect();
    });
  }

  async setAvailable(): Promise<Ack<OperatorState>> {
    return command<OperatorState>(this.socket, 'call:setAvailability', { availability: 'available' });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** This process's recent GC pauses (the fan-out result says which fell on the measured stretch). */
const gcPauses: { startTime: number; duration: number }[] = [];
let gcObserver: PerformanceObserver | null = null;
function observeGc() {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ startTime: e.startTime, duration: e.duration });
    if (gcPauses.length > 2000) gcPauses.splice(0, gcPauses.length - 1000);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** This process's GC pauses that overlap [from, to] (performance.now() times). */
function fleetGcOver(from: number, to: number): FleetGc {
  const gc = gcPauses.filter((g) => g.startTime + g.duration > from && g.startTime < to);
  return {
    pauses: gc.length,
    totalMs: Math.round(gc.reduce((sum, g) => sum + g.duration, 0)),
    longestMs: Math.round(Math.max(0, ...gc.map((g) => g.duration))),
  };
}

export class Fleet {
  readonly terminals: VirtualTerminal[] = [];
  private readonly log: (line: string) => void;
  /** Announcement id → terminals that received it / stored its receipt, with times. */
  private readonly tracking = new Map<
    number,
    { received: number[]; stored: number[]; onChange: (() => void) | null }
  >();
  private readonly recorder: TerminalRecorder;
  /** Extra recorder hooks a scenario installs for its duration. */
  hooks: TerminalRecorder = {};

  constructor(private readonly options: FleetOptions) {
    this.log = options.log ?? (() => {});
    observeGc();
    this.recorder = {
      announcement: (term, a, at, via) => {
        this.noteReceived(a.id, at);
        this.hooks.announcement?.(term, a, at, via);
      },
      receiptStored: (term, id, at) => {
        this.noteStored(id, at);
        this.hooks.receiptStored?.(term, id, at);
      },
      receiptFailed: (term, id, code) => {
        this.log(`terminal ${term.identity.terminalId}: receipt for ${id} failed: ${code}`);
        this.hooks.receiptFailed?.(term, id, code);
      },
      connected: (term, at, re) => this.hooks.connected?.(term, at, re),
      disconnected: (term, at, reason) => this.hooks.disconnected?.(term, at, reason),
      gaveUp: (term, reason) => {
        this.log(`terminal ${term.identity.terminalId} gave up: ${reason}`);
        this.hooks.gaveUp?.(term, reason);
      },
      callConnected: (term, p, at) => this.hooks.callConnected?.(term, p, at),
      queueUpdated: (term, p, at) => this.hooks.queueUpdated?.(term, p, at),
      attempt: (term, at, by) => this.hooks.attempt?.(term, at, by),
      attemptFailed: (term, at) => this.hooks.attemptFailed?.(term, at),
      busy: (term, at, ms) => this.hooks.busy?.(term, at, ms),
    };
  }

  private track(id: number) {
    let t = this.tracking.get(id);
    if (!t) {
      t = { received: [], stored: [], onChange: null };
      this.tracking.set(id, t);
    }
    return t;
  }

  /** An announcement reached a terminal (this fleet's, or a receiver of thin.ts) at `at`. */
  noteReceived(id: number, at: number): void {
    const t = this.track(id);
    t.received.push(at);
    t.onChange?.();
  }

  /** A terminal's `delivered` receipt for `id` was acked as stored at `at`. */
  noteStored(id: number, at: number): void {
    const t = this.track(id);
    t.stored.push(at);
    t.onChange?.();
  }

  /** The loopback address terminal `index` connects from (each its own, when the hub is local). */
  bindAddress(index: number): string | undefined {
    const bind = this.options.bindAddresses ?? isLoopbackUrl(this.options.hub);
    return bind ? loopbackAddress(index) : undefined;
  }

  /**
   * Enrolls one terminal per code through POST /api/terminals/enroll, as a terminal's keypad would.
   * Each enrollment comes from its own loopback address when the hub is local (the hub allows five
   * attempts a minute per address).
   */
  async enroll(
    codes: readonly string[],
    concurrency = 16,
    firstIndex = this.terminals.length,
  ): Promise<TerminalIdentity[]> {
    return pool(codes, concurrency, async (code, i) => {
      const localAddress = this.bindAddress(firstIndex + i);
      const res = await requestJson<EnrollResponse>(this.options.hub, '/api/terminals/enroll', {
        body: { code, deviceName: `virtual terminal ${firstIndex + i + 1}` },
        ...(localAddress ? { localAddress } : {}),
      });
      const r = expectStatus(res, [200], 'enrollment');
      return { householdId: r.householdId, terminalId: r.terminalId, credential: r.credential };
    });
  }

  /** Adds terminals (not yet connected) for these identities. */
  adopt(identities: readonly TerminalIdentity[]): void {
    for (const identity of identities) {
      const index = this.terminals.length;
      const localAddress =
        this.options.transports?.length === 1 && this.options.transports[0] === 'websocket'
          ? this.bindAddress(index)
          : undefined;
      this.terminals.push(
        new VirtualTerminal({
          hub: this.options.hub,
          identity,
          recorder: this.recorder,
          ...(this.options.transports ? { transports: this.options.transports } : {}),
          ...(this.options.heartbeatMs !== undefined ? { heartbeatMs: this.options.heartbeatMs } : {}),
          ...(localAddress ? { localAddress } : {}),
        }),
      );
    }
  }

  get connectedCount(): number {
    let n = 0;
    for (const t of this.terminals) if (t.connected) n++;
    return n;
  }

  /** Connects the first `count` terminals (those already connected stay); returns how long it took. */
  async connect(
    count = this.terminals.length,
    concurrency = 100,
    timeoutMs = 60_000,
  ): Promise<{ ms: number; connected: number; failed: string[] }> {
    const started = performance.now();
    const todo = this.terminals.slice(0, count).filter((t) => !t.connected);
    const failed: string[] = [];
    await pool(todo, concurrency, async (t) => {
      try {
        await t.connect(timeoutMs);
      } catch (err) {
        failed.push((err as Error).message);
      }
    });
    return { ms: performance.now() - started, connected: this.connectedCount, failed };
  }

  /** Disconnects terminals from index `from` on (all by default). */
  disconnect(from = 0): void {
    for (const t of this.terminals.slice(from)) t.stop();
  }

  /** Publishes through the REST API with a city-hall API key; resolves with the id and the request's start. */
  async publish(
    apiKey: string,
    body: CreateAnnouncementBody = drillAnnouncement(),
  ): Promise<{ id: number; startedAt: number; answeredAt: number }> {
    const startedAt = performance.now();
    const res = await requestJson<Announcement>(this.options.hub, '/api/announcements', { body, bearer: apiKey });
    const answeredAt = performance.now();
    const a = expectStatus(res, [201], 'publishing the announcement');
    if (a.status !== 'published') {
      throw new Error(
        `the announcement was not published but is "${a.status}" (an API key's announcements wait for approval unless city hall lets it publish by itself: console → API keys → sending settings)`,
      );
    }
    return { id: a.id, startedAt, answeredAt };
  }

  /** Resolves when `count` terminals have received announcement `id` and had their receipts stored (or at the deadline). */
  waitForAnnouncement(id: number, count: number, timeoutMs: number, needStored = true): Promise<boolean> {
    const entry = this.track(id);
    const done = () => entry.received.length >= count && (!needStored || entry.stored.length >= count);
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        entry.onChange = null;
        resolve(false);
      }, timeoutMs);
      entry.onChange = () => {
        if (!done()) return;
        clearTimeout(timer);
        entry.onChange = null;
        resolve(true);
      };
    });
  }

  tracked(id: number): { received: number[]; stored: number[] } {
    return this.tracking.get(id) ?? { received: [], stored: [] };
  }

  /**
   * Publishes to every terminal and measures publish → receive (each) and → all receipts stored.
   * First, as city hall's compose dialog does, the hub is asked to make the voice clip (`warm`), so
   * the figure is the fan-out, not the synthesis (measured on its own).
   */
  async fanout(
    apiKey: string,
    timeoutMs = 30_000,
    body?: CreateAnnouncementBody,
    warm = true,
    expected = this.connectedCount,
  ): Promise<FanoutResult> {
    body ??= drillAnnouncement(`${expected}`);
    if (warm) await warmSpeech(this.options.hub, apiKey, body);
    // Terminals may hear of it before the hub's answer arrives: tracking is by id, from any time.
    return this.measure(await this.publish(apiKey, body), expected, timeoutMs);
  }

  /**
   * A JMA telegram POSTed to /api/jma (the automatic alerts' way in) that the hub announces to
   * every terminal: POST → receive (each) and → all receipts stored.
   */
  async jmaFanout(apiKey: string, xml: string, timeoutMs = 30_000): Promise<FanoutResult> {
    const expected = this.connectedCount;
    const startedAt = performance.now();
    const res = await requestJson<{ announcementId: number }>(this.options.hub, '/api/jma', {
      raw: { data: xml, contentType: 'application/xml' },
      bearer: apiKey,
    });
    const answeredAt = performance.now();
    const { announcementId } = expectStatus(res, [201], 'posting the JMA telegram');
    return this.measure({ id: announcementId, startedAt, answeredAt }, expected, timeoutMs);
  }

  private async measure(
    p: { id: number; startedAt: number; answeredAt: number },
    expected: number,
    timeoutMs: number,
  ): Promise<FanoutResult> {
    const { startedAt } = p;
    await this.waitForAnnouncement(p.id, expected, timeoutMs);
    const t = this.tracked(p.id);
    const received = t.received.map((at) => at - startedAt);
    const lastAt = startedAt + Math.max(0, ...received);
    const stored = t.stored.map((at) => at - startedAt);
    return {
      announcementId: p.id,
      terminals: expected,
      publishMs: p.answeredAt - startedAt,
      receive: summarise(received),
      allStoredMs: stored.length ? Math.max(...stored) : Number.NaN,
      received: received.length,
      stored: stored.length,
      missing: expected - Math.min(received.length, stored.length),
      fleetGc: fleetGcOver(startedAt, lastAt),
    };
  }

  /**
   * Closed-loop check-ins: `concurrency` terminals each press 元気です, wait for the hub's ack
   * (given only once the check-in is committed), and press again, for `durationMs`.
   */
  async checkinLoad(concurrency: number, durationMs: number): Promise<CheckinLoadResult> {
    const users = this.terminals.filter((t) => t.connected).slice(0, concurrency);
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    let ok = 0;
    let failed = 0;
    const started = performance.now();
    const end = started + durationMs;
    await Promise.all(
      users.map(async (t) => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const ack = await t.checkIn('good');
          const t1 = performance.now();
          if (ack.ok) {
            ok++;
            latencies.push(t1 - t0);
          } else {
            failed++;
            failures[ack.error.code] = (failures[ack.error.code] ?? 0) + 1;
            await sleep(100);
          }
        }
      }),
    );
    const elapsed = performance.now() - started;
    return {
      concurrency: users.length,
      durationMs: Math.round(elapsed),
      ok,
      failed,
      failures,
      perSecond: Math.round((ok / elapsed) * 1000),
      latency: summarise(latencies),
    };
  }

  /**
   * Open-loop check-ins: `perSecond` presses a second spread over the connected terminals, whatever
   * the hub's answers (an arrival rate, as in a city at 9 o'clock), for `durationMs`.
   */
  async checkinOpenLoop(perSecond: number, durationMs: number): Promise<CheckinLoadResult> {
    const users = this.terminals.filter((t) => t.connected);
    if (users.length === 0) throw new Error('no terminal is connected');
    const latencies: number[] = [];
    /** [sent at (ms into the stage), latency] of each, to tell when the slow ones were sent. */
    const timeline: [number, number][] = [];
    const failures: Record<string, number> = {};
    let ok = 0;
    let failed = 0;
    let sent = 0;
    const inFlight: Promise<void>[] = [];
    const started = performance.now();
    const tickMs = 5;
    while (performance.now() - started < durationMs) {
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
      for (; sent < due; sent++) {
        const t = users[sent % users.length]!;
        const t0 = performance.now();
        inFlight.push(
          t.checkIn('good').then((ack) => {
            if (ack.ok) {
              ok++;
              latencies.push(performance.now() - t0);
              timeline.push([t0 - started, performance.now() - t0]);
            } else {
              failed++;
              failures[ack.error.code] = (failures[ack.error.code] ?? 0) + 1;
            }
          }),
        );
      }
      await sleep(tickMs);
    }
    const sendingMs = performance.now() - started;
    await Promise.all(inFlight);
    return {
      concurrency: users.length,
      durationMs: Math.round(sendingMs),
      ok,
      failed,
      failures,
      perSecond: Math.round((ok / (performance.now() - started)) * 1000),
      latency: summarise(latencies),
      slowSentWithin: slowWindow(timeline),
      fleetGc: fleetGcOver(started, performance.now()),
    };
  }

  /** Connects operators (console sessions) and makes them available. */
  async connectOperators(
    cookies: readonly string[],
    onRing: (p: CallInfo, at: number) => void,
    holdMs = 1000,
  ): Promise<VirtualOperator[]> {
    const ops = cookies.map((c) => new VirtualOperator(this.options.hub, c, onRing, holdMs));
    await pool(ops, 50, async (op) => {
      await op.connect();
      const ack = await op.setAvailable();
      if (!ack.ok) throw new Error(`operator could not become available: ${ack.error.code} ${ack.error.message}`);
    });
    return ops;
  }

  /**
   * `callers` terminals each ask for a call to one of `shopIds`, arriving evenly over `overMs`;
   * the operators ring, answer, talk `holdMs` and hang up. Measures request → ring.
   */
  async callLoad(options: {
    cookies: readonly string[];
    callers: number;
    overMs: number;
    shopIds: readonly number[];
    holdMs?: number;
    settleMs?: number;
  }): Promise<CallLoadResult> {
    const requestedAt = new Map<number, number>();
    const ringLatencies: number[] = [];
    const ackLatencies: number[] = [];
    const failures: Record<string, number> = {};
    const rung = new Set<number>();
    const operators = await this.connectOperators(
      options.cookies,
      (p, at) => {
        const t0 = requestedAt.get(p.householdId);
        if (t0 === undefined || rung.has(p.callId)) return;
        rung.add(p.callId);
        ringLatencies.push(at - t0);
      },
      options.holdMs ?? 1000,
    );
    const callers = this.terminals.filter((t) => t.connected).slice(0, options.callers);
    const gap = options.overMs / Math.max(1, callers.length);
    const started = performance.now();
    const calls: Promise<void>[] = [];
    for (let i = 0; i < callers.length; i++) {
      const due = started + i * gap;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const t = callers[i]!;
      const shopId = options.shopIds[i % options.shopIds.length]!;
      const t0 = performance.now();
      requestedAt.set(t.identity.householdId, t0);
      calls.push(
        t.requestCall(shopId).then((ack) => {
          if (ack.ok) ackLatencies.push(performance.now() - t0);
          else failures[ack.error.code] = (failures[ack.error.code] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(calls);
    // Let the last callers be rung and the last calls end.
    const deadline = performance.now() + (options.settleMs ?? 5000);
    while (
      rung.size < callers.length - Object.values(failures).reduce((a, b) => a + b, 0) &&
      performance.now() < deadline
    )
      await sleep(50);
    await sleep((options.holdMs ?? 1000) + 500);
    for (const op of operators) op.close();
    return {
      operators: operators.length,
      callers: callers.length,
      overMs: options.overMs,
      rang: rung.size,
      failures,
      requestToRing: summarise(ringLatencies),
      requestToAck: summarise(ackLatencies),
    };
  }

  close(): void {
    this.disconnect();
  }
}

/** The payload a terminal receives for an announcement, for baselines that send "the same thing". */
export function samplePayload(id = 1): TerminalAnnouncement {
  return {
    id,
    version: 1,
    ...drillWording('baseline'),
    hasAudio: false,
    safetyCheck: false,
    publishedAt: new Date().toISOString(),
    expiresAt: null,
    acknowledged: false,
    safetyAnswer: null,
  };
}
