/**
 * The bench's command line (`npm run bench -- …`): which parts run, at what size, and where they
 * write. `--help` prints every form.
 */
import path from 'node:path';

export interface BenchOptions {
  quick: boolean;
  /** Largest number of terminals (default 10,000; --quick 500). */
  terminals: number | null;
  /** Where to write; default docs/ for the full run, data/bench/ for --quick and --terminals runs. */
  out: string | null;
  browser: boolean;
  /** `disaster`: only the figures of issues 14 and 15 (bench/disaster.ts); `start`: only figure 6 (bench/start.ts); `storm`, `memory`: figures 5 and 2 (bench/storm.ts, bench/memory.ts). */
  only: 'disaster' | 'start' | 'storm' | 'memory' | 'checkins' | 'nodes' | null;
  /** `--nodes N` (the nodes part, bench/nodes.ts): one hub on SQLite and on PostgreSQL + Redis, and N hubs. */
  nodes: number;
  /** `--only memory`: where to write the hub's heap snapshots. */
  heap: string | null;
  /** Where to write the hub's CPU profile of the measured stretch (disaster: the emergency with its voice). */
  profile: string | null;
  /** start: another build of the terminal page to measure alongside (a copy of apps/terminal/dist/web). */
  before: string | null;
  /** start: how many times each way of starting is measured (default 5; more for a steadier p50 on a shared machine). */
  runs: number;
}

/** The value of a whole-number option, at least `min`; otherwise the bench stops with a plain message. */
function wholeNumber(value: string | undefined, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${flag} needs a whole number ≥ ${min}`);
    process.exit(2);
  }
  return n;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    quick: false,
    terminals: null,
    out: null,
    browser: true,
    only: null,
    profile: null,
    before: null,
    runs: 5,
    heap: null,
    nodes: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--no-browser') o.browser = false;
    else if (a === '--only') {
      const part = argv[++i];
      if (
        part !== 'disaster' &&
        part !== 'start' &&
        part !== 'storm' &&
        part !== 'memory' &&
        part !== 'checkins' &&
        part !== 'nodes'
      ) {
        console.error('--only takes: disaster, start, storm, memory, checkins, nodes');
        process.exit(2);
      }
      o.only = part;
    } else if (a === '--nodes') {
      o.nodes = wholeNumber(argv[++i], '--nodes', 2);
      o.only = 'nodes';
    } else if (a === '--terminals') {
      o.terminals = wholeNumber(argv[++i], '--terminals', 10);
    } else if (a === '--profile') o.profile = path.resolve(argv[++i] ?? '.');
    else if (a === '--before') o.before = path.resolve(argv[++i] ?? '.');
    else if (a === '--runs') {
      o.runs = wholeNumber(argv[++i], '--runs', 1);
    } else if (a === '--heap') o.heap = path.resolve(argv[++i] ?? '.');
    else if (a === '--out') o.out = path.resolve(argv[++i] ?? '.');
    else if (a === '--help' || a === '-h') {
      console.log(
        'npm run bench [-- --quick] [--no-browser] [--out DIR]   (writes DIR/benchmarks.json and DIR/benchmarks.md)\n' +
          "npm run bench -- --profile DIR   (the full run with the hub's and the fleet's CPU profile of each stage:\n" +
          '       fan-out, check-ins, call routing; writes data/bench/, not docs/: the profiler slows the hub)\n' +
          'npm run bench -- --only disaster [--terminals N] [--profile DIR]\n' +
          "      (voice, emergency + clip fan-out, JMA POST; issues 14 and 15; --profile writes the hub's CPU profile\n" +
          '       of the emergency with its voice to DIR, read it with node tools/fleet/dist/bench/profile-top.js)\n' +
          'npm run bench -- --only start [--terminals N] [--before DIR] [--runs N]\n' +
          '      (terminal start: served by the hub, from the packaged files, offline; the page in apps/terminal/dist/web;\n' +
          '       --before DIR: another build of it, from disk, measured alongside; --runs N: N runs of each, default 5)\n' +
          'npm run bench -- --only storm [--terminals N] [--profile DIR]   (the reconnect storm alone; data/bench/)\n' +
          'npm run bench -- --only memory [--terminals N] [--heap DIR]    (memory per idle terminal up to N, e.g. 19000; data/bench/)\n' +
          'npm run bench -- --only checkins [--terminals N] [--profile DIR]  (check-ins: raw rate, saturated, at the raw rate; data/bench/)\n' +
          'npm run bench -- --nodes 2 [--terminals N]\n' +
          '      (one hub on SQLite, one on PostgreSQL + Redis and 2 on PostgreSQL + Redis: fan-out, memory per terminal,\n' +
          '       check-ins; 10,000 by default writes docs/, any other size data/bench/)',
      );
      process.exit(0);
    } else {
      console.error(`Unknown option ${a}`);
      process.exit(2);
    }
  }
  return o;
}
