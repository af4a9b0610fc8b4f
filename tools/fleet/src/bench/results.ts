/** What one bench run measures at which sizes, and the shape of its results (docs/benchmarks.json). */
import type { CallLoadResult, CheckinLoadResult, FanoutResult } from '../sim/fleet';
import type { SpeechFanoutResult } from '../sim/speech';
import type { LatencySummary } from '../sim/stats';
import type { BundleSize, StartResult } from './browser';
import type { MemoryReading } from './ipc';
import type { machine } from './machine';
import type { SynthesisResult } from './speech';

export const sizesFor = (quick: boolean) =>
  quick
    ? {
        fanout: [200, 500],
        storm: 500,
        viaApi: 200,
        operators: 20,
        callers: 60,
        callsOverMs: 6000,
        checkinConcurrency: 100,
        checkinMs: 3000,
        shops: 5,
        stormTimeoutMs: 45_000,
      }
    : {
        fanout: [1000, 5000, 10_000],
        storm: 10_000,
        viaApi: 1000,
        operators: 200,
        callers: 1000,
        callsOverMs: 10_000,
        checkinConcurrency: 1000,
        checkinMs: 5000,
        shops: 10,
        stormTimeoutMs: 120_000,
      };

/** A baseline server's fan-out (bench worker's `wsFanout`, `sioFanout`). */
export interface BaselineFanout {
  publishMs: number;
  receive: LatencySummary;
  received: number;
  complete: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  quick: boolean;
  machine: ReturnType<typeof machine>;
  notes: string[];
  fanout: {
    n: number;
    /** The hub to virtual terminals, each with socket.io-client (one process decodes for all): reported. */
    hub: FanoutResult;
    /** The hub to protocol-level receivers (sim/thin.ts), the judged figure; absent before session 16. */
    thin?: FanoutResult;
    baseline: BaselineFanout;
    /** A plain Socket.IO server to socket.io-client clients in the same process: what the client library costs. */
    socketIo?: BaselineFanout;
  }[];
  /** The hub's voice: a 200-character alert's clip, and its fan-out with every terminal fetching it. */
  speech?: { synthesis: SynthesisResult; fanout: SpeechFanoutResult };
  /** An EEW (JMA XML) POSTed to /api/jma → every terminal, at the largest N. */
  jma?: FanoutResult;
  memory: {
    hub: { n: number; reading: MemoryReading }[];
    /**
     * The hub before the fleet enrolled its terminals through HTTP (the 0 point until session 15):
     * the enrollments' own memory (rate limits, caches, compiled code) then counted as terminals'.
     */
    hubBeforeEnrollment?: MemoryReading;
    /** The slope with that reading as the 0 point instead, for comparison with earlier runs. */
    hubPerTerminalFromBeforeEnrollment?: { rss: number; heap: number };
    socketIo: { n: number; reading: MemoryReading }[];
    ws: { n: number; reading: MemoryReading }[];
    hubPerTerminal?: { rss: number; heap: number };
    socketIoPerTerminal?: { rss: number; heap: number };
    wsPerTerminal?: { rss: number; heap: number };
  };
  calls?: { hub: CallLoadResult; baseline: { rang: number; requestToRing: LatencySummary } };
  checkins?: {
    hub: CheckinLoadResult;
    saturation: CheckinLoadResult;
    baseline: { perSecond: number; rows: number; latency: LatencySummary; synchronous: unknown; journalMode: unknown };
  };
  storm?: {
    terminals: number;
    hubDownMs: number;
    hubStartMs: number;
    result: {
      complete: boolean;
      reconnected: number;
      received: number;
      gaveUp: number;
      allReceivedMs: number;
      allReconnectedMs: number;
      /** The slowest fleet process's p50 and p99. */
      reconnect: { p50: number; p99: number };
      receive: { p50: number; p99: number };
      fleetProcesses?: number;
    };
    peakCpuPercent: number;
    peakRssBytes: number;
    baselineReconnectMs?: number;
  };
  terminalStart?: { start: StartResult; bundle: BundleSize };
  connect: { n: number; ms: number; failed: number }[];
  enrollment?: { terminals: number; ms: number };
}
