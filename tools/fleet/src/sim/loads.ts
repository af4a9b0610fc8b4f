/**
 * What the fleet's loads report (fan-out, check-ins, calls), and this process's own GC pauses over
 * a measured stretch (a pause holds every virtual terminal in the process).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { LatencySummary } from './stats';

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

/** This process's recent GC pauses (the fan-out result says which fell on the measured stretch). */
const gcPauses: { startTime: number; duration: number }[] = [];
let gcObserver: PerformanceObserver | null = null;
export function observeGc() {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ startTime: e.startTime, duration: e.duration });
    if (gcPauses.length > 2000) gcPauses.splice(0, gcPauses.length - 1000);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** This process's GC pauses that overlap [from, to] (performance.now() times). */
export function fleetGcOver(from: number, to: number): FleetGc {
  const gc = gcPauses.filter((g) => g.startTime + g.duration > from && g.startTime < to);
  return {
    pauses: gc.length,
    totalMs: Math.round(gc.reduce((sum, g) => sum + g.duration, 0)),
    longestMs: Math.round(Math.max(0, ...gc.map((g) => g.duration))),
  };
}
