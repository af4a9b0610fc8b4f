/** The table of `npm run bench -- --nodes 2` (bench/nodes.ts) and its section of docs/benchmarks.md. */
import type { CheckinLoadResult } from '../sim/fleet';
import type { LatencySummary } from '../sim/stats';
import type { FanoutFigure } from './disaster';
import type { machine } from './machine';
import type { ClusterStep, clusterSlopes, FleetSlice } from './nodes-plan';

// What the run measured (bench/nodes.ts fills it in): the table below and the result file read it.
export interface RawCheckins {
  perSecond: number;
  rows: number;
  latency: { p50: number; p99: number; max: number };
  synchronous: unknown;
  journalMode: unknown;
}

/** CPU time (ms) each part of the machine used over one stretch, and the stretch's length. */
export interface Busy {
  wallMs: number;
  hubsCpuMs: number[];
  postgresCpuMs: number | null;
  redisCpuMs: number | null;
  fleetCpuMs: number[];
}

export interface SetupResult {
  label: string;
  engine: 'sqlite' | 'postgres';
  hubs: number;
  /** Terminals each fleet process holds and the hub it talks to. */
  slices: FleetSlice[];
  memory: ClusterStep[];
  perTerminal: ReturnType<typeof clusterSlopes>;
  /**
   * The memory steps' connects together (0 → N in three steps, 250 at a time per fleet process, each
   * terminal waiting for the hub's admission): wall time, and the CPU time the hubs and PostgreSQL used.
   */
  connecting: { terminals: number; wallMs: number; failed: number; hubsCpuMs: number[]; postgresCpuMs: number | null };
  fanout: Omit<FanoutFigure, 'busy'> & { busy: Busy };
  /** The same fan-out as received by the terminals of each hub (hub 1 published it). */
  fanoutPerHub: FanoutFigure[];
  checkins: {
    saturation: CheckinLoadResult;
    atRawRate: CheckinLoadResult;
    /** CPU over each stretch: whether the server core was full (hub and PostgreSQL share it). */
    busy: { saturation: Busy; atRawRate: Busy };
  } | null;
}

export interface NodesResults {
  startedAt: string;
  finishedAt?: string;
  machine: ReturnType<typeof machine>;
  loadAverageAtEnd?: string;
  terminals: number;
  nodes: number;
  placement: string;
  raw: { sqlite: RawCheckins; postgres: RawCheckins };
  setups: SetupResult[];
  baseline: FanoutFigure;
  notes: string[];
}

const ms = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const kb = (bytes: number | undefined) =>
  bytes === undefined || Number.isNaN(bytes) ? '—' : `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const s1 = (cpuMs: number) => `${(cpuMs / 1000).toFixed(1)} s`;
const lat4 = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)}`;
const x = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '—');

function rawText(label: string, r: RawCheckins): string {
  return `${label} ${r.perSecond}/s, ${ms(r.latency.p50)} / ${ms(r.latency.p99)}`;
}

/** One row per figure; a column per set-up, then the same run's baseline. */
export function nodesRows(r: NodesResults): string[][] {
  const each = (f: (s: SetupResult) => string) => r.setups.map(f);
  const multi = (f: (s: SetupResult) => string) => r.setups.map((s) => (s.hubs > 1 ? f(s) : '—'));
  const rawFor = (s: SetupResult) => (s.engine === 'sqlite' ? r.raw.sqlite : r.raw.postgres);
  const n = r.terminals;
  const rows: string[][] = [
    [
      `Fan-out to ${n}: publish → received p50 / p95 / p99 / max`,
      ...each((s) => `${lat4(s.fanout.receive)} (${s.fanout.received}/${n})`),
      `${lat4(r.baseline.receive)} (bare ws)`,
    ],
    ['… p99 ÷ bare ws p99', ...each((s) => x(s.fanout.receive.p99, r.baseline.receive.p99)), '—'],
    [
      '… received by the terminals of each hub (hub 1 published): p50 / p99',
      ...multi((s) =>
        s.fanoutPerHub.map((f, h) => `hub ${h + 1}: ${ms(f.receive.p50)} / ${ms(f.receive.p99)}`).join('; '),
      ),
      '—',
    ],
    [
      `Fan-out to ${n}: publish → every receipt stored (acked)`,
      ...each((s) => `${ms(s.fanout.allStoredMs)}`),
      '— (bare ws stores nothing)',
    ],
    [
      'CPU used over that fan-out (publish → all stored): hubs / PostgreSQL / Redis / fleet',
      ...each((s) => {
        const b = s.fanout.busy;
        const server = [
          b.hubsCpuMs.map(s1).join(' + '),
          b.postgresCpuMs === null ? '—' : s1(b.postgresCpuMs),
          b.redisCpuMs === null ? '—' : s1(b.redisCpuMs),
          b.fleetCpuMs.map(s1).join(' + '),
        ];
        return `${server.join(' / ')} over ${s1(b.wallMs)}`;
      }),
      '—',
    ],
    [
      `Connecting ${n} terminals (the memory steps, 250 at a time per fleet process): wall time; CPU per terminal: the hubs together / PostgreSQL`,
      ...each((s) => {
        const c = s.connecting;
        const per = (cpuMs: number) => ms(cpuMs / Math.max(1, c.terminals));
        return `${s1(c.wallMs)}${c.failed ? ` (${c.failed} failed)` : ''}; ${per(c.hubsCpuMs.reduce((a, b) => a + b, 0))} / ${c.postgresCpuMs === null ? '—' : per(c.postgresCpuMs)}`;
      }),
      '—',
    ],
    [
      `Memory per idle terminal, all hubs over all terminals (slope over ${r.setups[0]?.memory.map((m) => m.terminals.reduce((a, b) => a + b, 0)).join(', ')}; after GC): RSS / heap`,
      ...each((s) => `${kb(s.perTerminal.sum.rss)} / ${kb(s.perTerminal.sum.heap)}`),
      '—',
    ],
    [
      '… each hub over its own terminals: RSS / heap',
      ...multi((s) => s.perTerminal.perHub.map((p, h) => `hub ${h + 1}: ${kb(p.rss)} / ${kb(p.heap)}`).join('; ')),
      '—',
    ],
    [
      `Hub memory with ${n} idle terminals (each hub), RSS / heap`,
      ...each((s) => {
        const last = s.memory.at(-1)!;
        return last.readings.map((m) => `${mb(m.rss)} / ${mb(m.heapUsed)}`).join(' + ');
      }),
      '—',
    ],
    [
      "Check-ins arriving at the engine's raw rate: done/s, p50 / p99",
      ...each((s) =>
        s.checkins
          ? `${s.checkins.atRawRate.perSecond}/s of ${rawFor(s).perSecond}/s, ${ms(s.checkins.atRawRate.latency.p50)} / ${ms(s.checkins.atRawRate.latency.p99)}${s.checkins.atRawRate.failed ? ` (${s.checkins.atRawRate.failed} failed)` : ''}`
          : '—',
      ),
      `raw, one commit per check-in: ${rawText('better-sqlite3', r.raw.sqlite)}; ${rawText('pg', r.raw.postgres)}`,
    ],
    [
      'Check-ins saturated (terminals in a closed loop): done/s (÷ raw), p50 / p99',
      ...each((s) =>
        s.checkins
          ? `${s.checkins.saturation.perSecond}/s (${x(s.checkins.saturation.perSecond, rawFor(s).perSecond)}), ${ms(s.checkins.saturation.latency.p50)} / ${ms(s.checkins.saturation.latency.p99)} (${s.checkins.saturation.concurrency} terminals)${s.checkins.saturation.failed ? `, ${s.checkins.saturation.failed} failed` : ''}`
          : '—',
      ),
      'the raw rates above',
    ],
    [
      'CPU used over the check-ins, saturated / at the raw rate: hub + PostgreSQL (of a 5 s stretch on one core)',
      ...each((s) => {
        if (!s.checkins) return '—';
        const server = (b: Busy) =>
          `${s1(b.hubsCpuMs.reduce((a, c) => a + c, 0))} + ${b.postgresCpuMs === null ? '—' : s1(b.postgresCpuMs)} over ${s1(b.wallMs)}`;
        return `${server(s.checkins.busy.saturation)} / ${server(s.checkins.busy.atRawRate)}`;
      }),
      '—',
    ],
  ];
  return rows;
}

export function nodesTable(r: NodesResults): string {
  const head = ['Figure', ...r.setups.map((s) => s.label), 'Baseline (same run)'];
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...nodesRows(r).map((row) => `| ${row.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function nodesSection(r: NodesResults): string {
  const m = r.machine;
  return [
    '<!-- bench:nodes:start -->',
    `Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --nodes ${r.nodes}\` (${r.terminals} terminals).`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, Node ${m.node}; open-file limit ${m.fileLimit}; **load average at start ${m.loadAverageAtStart}, at the end ${r.loadAverageAtEnd}**. ${r.placement}`,
    '',
    nodesTable(r),
    '',
    `- Raw baselines' durability: better-sqlite3 ${r.raw.sqlite.synchronous === 2 ? 'synchronous=FULL' : `synchronous=${r.raw.sqlite.synchronous}`}, ${r.raw.sqlite.journalMode}; PostgreSQL ${r.raw.postgres.synchronous}, ${r.raw.postgres.journalMode}.`,
    ...r.notes.map((note) => `- ${note}`),
    '<!-- bench:nodes:end -->',
  ].join('\n');
}
