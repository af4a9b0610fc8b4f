/**
 * Where a reconnect storm's time goes, seen from the terminals: every connect attempt (socket.io-client's
 * own backoff or our retry after HUB_BUSY), every attempt that failed before the hub answered, every
 * refusal, connect and announcement, with its time from the kill. The bench merges the fleet
 * processes' timelines and prints them second by second.
 */
import { summarise } from './stats';
import type { TerminalRecorder } from './terminal';

export const TIMELINE_KINDS = ['backoff', 'retry', 'failed', 'busy', 'connected', 'received'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Per terminal, ms from the kill (NaN: did not happen). */
export interface TerminalTrail {
  /** The first attempt that began after the hub was back. */
  firstTryAfterBack: number;
  connected: number;
  received: number;
  attempts: number;
  busy: number;
}

export interface StormTimeline {
  /** Events of each kind, ms from the kill. */
  events: Record<TimelineKind, number[]>;
  trails: TerminalTrail[];
}

/** Records a storm's events from `armedAt` on; `hooks` go into the fleet's recorder hooks. */
export function stormRecorder(armedAt: number) {
  const events = Object.fromEntries(TIMELINE_KINDS.map((k) => [k, [] as number[]])) as Record<TimelineKind, number[]>;
  const perTerminal = new Map<number, { attempts: number[]; connected: number; received: number; busy: number }>();
  const of = (id: number) => {
    let t = perTerminal.get(id);
    if (!t) {
      t = { attempts: [], connected: Number.NaN, received: Number.NaN, busy: 0 };
      perTerminal.set(id, t);
    }
    return t;
  };
  const hooks: TerminalRecorder = {
    attempt: (t, at, by) => {
      events[by].push(at - armedAt);
      of(t.identity.terminalId).attempts.push(at - armedAt);
    },
    attemptFailed: (_t, at) => void events.failed.push(at - armedAt),
    busy: (t, at) => {
      events.busy.push(at - armedAt);
      of(t.identity.terminalId).busy++;
    },
    connected: (t, at) => {
      const p = of(t.identity.terminalId);
      if (Number.isNaN(p.connected)) {
        p.connected = at - armedAt;
        events.connected.push(p.connected);
      }
    },
    announcement: (t, _a, at) => {
      const p = of(t.identity.terminalId);
      if (Number.isNaN(p.received)) {
        p.received = at - armedAt;
        events.received.push(p.received);
      }
    },
  };
  return {
    hooks,
    /** `hubBackMs`: kill → the hub listening again, as the bench measured it. */
    timeline(hubBackMs: number): StormTimeline {
      const trails = [...perTerminal.values()].map((p) => ({
        firstTryAfterBack: p.attempts.find((a) => a >= hubBackMs) ?? Number.NaN,
        connected: p.connected,
        received: p.received,
        attempts: p.attempts.length,
        busy: p.busy,
      }));
      return { events, trails };
    },
  };
}

/** Counts of each kind per `bucketMs` from the kill, over several fleet processes' timelines. */
export function timelineTable(
  timelines: readonly StormTimeline[],
  extra: Record<string, readonly number[]> = {},
  bucketMs = 1000,
): string[] {
  const counts = new Map<number, Record<TimelineKind, number>>();
  let last = 0;
  for (const tl of timelines)
    for (const kind of TIMELINE_KINDS)
      for (const at of tl.events[kind]) {
        const b = Math.floor(at / bucketMs);
        last = Math.max(last, b);
        let row = counts.get(b);
        if (!row) {
          row = Object.fromEntries(TIMELINE_KINDS.map((k) => [k, 0])) as Record<TimelineKind, number>;
          counts.set(b, row);
        }
        row[kind]++;
      }
  const names = Object.keys(extra);
  const head = [...TIMELINE_KINDS, ...names].map((k) => k.padStart(10)).join('');
  const lines = [`from kill (s)${head}`];
  for (let b = 0; b <= last; b++) {
    const row = counts.get(b);
    const cells = TIMELINE_KINDS.map((k) => String(row?.[k] ?? 0).padStart(10)).join('');
    const more = names.map((n) => String(extra[n]![b] ?? '').padStart(10)).join('');
    lines.push(`${`${(b * bucketMs) / 1000}–${((b + 1) * bucketMs) / 1000}`.padEnd(13)}${cells}${more}`);
  }
  return lines;
}

/** Distributions over the terminals' trails: when each tried after the hub was back, connected, received. */
export function trailSummary(timelines: readonly StormTimeline[], hubBackMs: number) {
  const trails = timelines.flatMap((t) => t.trails);
  const pick = (f: (t: TerminalTrail) => number) => trails.map(f).filter((v) => !Number.isNaN(v));
  const slowest = [...trails].sort((a, b) => (b.received || 0) - (a.received || 0)).slice(0, 5);
  return {
    terminals: trails.length,
    firstTryAfterBackMs: summarise(pick((t) => t.firstTryAfterBack - hubBackMs)),
    neverTriedAfterBack: trails.filter((t) => Number.isNaN(t.firstTryAfterBack)).length,
    connectedMs: summarise(pick((t) => t.connected)),
    receivedMs: summarise(pick((t) => t.received)),
    attempts: summarise(pick((t) => t.attempts)),
    busyRefusals: summarise(pick((t) => t.busy)),
    slowest,
  };
}
