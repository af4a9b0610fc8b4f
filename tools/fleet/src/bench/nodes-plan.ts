/**
 * The pure part of `npm run bench -- --nodes 2` (bench/nodes.ts): which fleet process holds which
 * terminals and talks to which hub, how many each connects at a memory step, and the memory slopes
 * of several hubs (their sum over all terminals, and each hub over its own).
 */
import { slope } from '../sim/stats';
import type { MemoryReading } from './ipc';

/** One fleet process: terminals [from, to) of the prepared list, all connected to hub `hub`. */
export interface FleetSlice {
  hub: number;
  from: number;
  to: number;
}

/**
 * `n` terminals split evenly over `hubs` hubs (the first hubs take one more when it does not divide),
 * each hub's share in fleet processes of at most `perFleet` terminals (the open-file limit is per
 * process). Every fleet process talks to one hub only: its terminals are that hub's.
 */
export function planFleets(n: number, hubs: number, perFleet: number): FleetSlice[] {
  if (!Number.isInteger(hubs) || hubs < 1) throw new Error('at least one hub');
  if (!Number.isInteger(perFleet) || perFleet < 1) throw new Error('at least one terminal per fleet process');
  const slices: FleetSlice[] = [];
  let from = 0;
  for (let h = 0; h < hubs; h++) {
    const share = Math.floor(n / hubs) + (h < n % hubs ? 1 : 0);
    const end = from + share;
    for (let at = from; at < end; at += perFleet) slices.push({ hub: h, from: at, to: Math.min(end, at + perFleet) });
    from = end;
  }
  return slices;
}

/**
 * How many terminals each fleet process holds connected when `total` are connected over all hubs:
 * the hubs' shares as even as `planFleets` made them, each hub's filled fleet by fleet.
 */
export function stepCounts(slices: readonly FleetSlice[], total: number): number[] {
  const hubs = Math.max(0, ...slices.map((s) => s.hub + 1));
  const capacity = Array.from({ length: hubs }, (_, h) =>
    slices.filter((s) => s.hub === h).reduce((sum, s) => sum + (s.to - s.from), 0),
  );
  const all = capacity.reduce((s, c) => s + c, 0);
  const wanted = Math.min(total, all);
  // Even shares, capped by what each hub holds, the rest to the hubs with room (first ones first).
  const perHub = capacity.map((c, h) => Math.min(c, Math.floor(wanted / hubs) + (h < wanted % hubs ? 1 : 0)));
  let left = wanted - perHub.reduce((s, c) => s + c, 0);
  for (let h = 0; h < hubs && left > 0; h++) {
    const more = Math.min(left, capacity[h]! - perHub[h]!);
    perHub[h]! += more;
    left -= more;
  }
  return slices.map((s) => {
    const before = slices
      .filter((o) => o.hub === s.hub && o.from < s.from)
      .reduce((sum, o) => sum + (o.to - o.from), 0);
    return Math.max(0, Math.min(s.to - s.from, perHub[s.hub]! - before));
  });
}

/** One memory step: the terminals each hub held and each hub's memory after GC. */
export interface ClusterStep {
  terminals: number[];
  readings: MemoryReading[];
}

export interface PerTerminal {
  rss: number;
  heap: number;
}

/**
 * Bytes per terminal (least-squares slope over the steps) of the hubs together — the sum of their
 * memory over all terminals, what a city pays — and of each hub over the terminals it held.
 */
export function clusterSlopes(steps: readonly ClusterStep[]): { sum: PerTerminal; perHub: PerTerminal[] } {
  const total = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const hubs = steps[0]?.readings.length ?? 0;
  const fit = (x: (s: ClusterStep) => number, y: (s: ClusterStep) => number) =>
    slope(steps.map((s) => ({ x: x(s), y: y(s) })));
  return {
    sum: {
      rss: fit(
        (s) => total(s.terminals),
        (s) => total(s.readings.map((r) => r.rss)),
      ),
      heap: fit(
        (s) => total(s.terminals),
        (s) => total(s.readings.map((r) => r.heapUsed)),
      ),
    },
    perHub: Array.from({ length: hubs }, (_, h) => ({
      rss: fit(
        (s) => s.terminals[h]!,
        (s) => s.readings[h]!.rss,
      ),
      heap: fit(
        (s) => s.terminals[h]!,
        (s) => s.readings[h]!.heapUsed,
      ),
    })),
  };
}
