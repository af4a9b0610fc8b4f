/**
 * The virtual terminal fleet: enrolls terminals through the hub's enrollment API, keeps N of them
 * connected, and drives the loads the benchmarks measure — an announcement fan-out (delivered
 * receipts acked once stored), check-ins, calls to operators — recording every timing.
 */
import { performance } from 'node:perf_hooks';
import type { Announcement, CallInfo, CreateAnnouncementBody, EnrollResponse } from '@tsunagu/protocol';
import { drillAnnouncement } from './drill';
import { expectStatus, isLoopbackUrl, loopbackAddress, requestJson } from './http';
import { type CallLoadResult, type CheckinLoadResult, type FanoutResult, fleetGcOver, observeGc } from './loads';
import { VirtualOperator } from './operator';
import { pool, sleep } from './pool';
import { warmSpeech } from './speech-preview';
import { slowWindow, summarise } from './stats';
import { type TerminalIdentity, type TerminalRecorder, type Transport, VirtualTerminal } from './terminal';

export { drillAnnouncement, drillWording, samplePayload } from './drill';
export { type CallLoadResult, type CheckinLoadResult, type FanoutResult, type FleetGc, slowWindowNote } from './loads';
export { VirtualOperator } from './operator';
export { pool, sleep } from './pool';

export interface FleetOptions {
  hub: string;
  transports?: Transport[];
  heartbeatMs?: number;
  /** Give each terminal its own 127.x.y.z source address when the hub is on this machine (default). */
  bindAddresses?: boolean;
  log?: (line: string) => void;
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
