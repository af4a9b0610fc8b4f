/**
 * `npm run bench -- --only memory [--terminals N] [--heap DIR]`: the hub's memory per idle terminal
 * (figure 2) on its own, at up to 19,000 terminals — the fleet split over processes of at most
 * 5,000 (each holds one socket per terminal under the 20,000 open-file limit). Hub RSS and heap after
 * GC at 0, N/4, N/2, 3N/4 and N terminals and the least-squares slope, against a plain Socket.IO
 * server holding the same connections from the same processes (same run). `--heap DIR` also writes
 * the hub's heap snapshots at N/4 and N, to diff per component. Writes data/bench/benchmarks-memory-N.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { slope } from '../sim/stats';
import type { MemoryReading } from './ipc';
import { machine } from './machine';
import { prepareDatabase } from './prepare';
import { type Spawned, startBaseline, startFleetProcess, startHubProcess, stopProcess } from './proc';

const PER_FLEET = 5000;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function runMemoryBench(options: { terminals: number; out: string; heap: string | null }) {
  const n = options.terminals;
  const started = performance.now();
  const log = (line: string) =>
    console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const m = machine();
  log(`memory at up to ${n} terminals; machine: ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`);
  const hubCore = m.cores >= 2 ? 0 : null;
  const fleetCore = m.cores >= 2 ? 1 : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-memory-'));
  const steps = [1, 2, 3, 4].map((q) => Math.round((n * q) / 4));
  let hub: Spawned | null = null;
  let baseline: Spawned | null = null;
  const fleets: Spawned[] = [];
  // How many of the first `total` terminals each fleet process holds.
  const shares = (total: number) => fleets.map((_, i) => Math.max(0, Math.min(PER_FLEET, total - i * PER_FLEET)));
  try {
    const prepared = await prepareDatabase(dataDir, { households: n, shops: 1, operators: 1, viaApi: 0 });
    hub = await startHubProcess(hubCore, dataDir);
    const hubUrl = `http://127.0.0.1:${hub.port}`;
    for (let i = 0; i < prepared.preEnrolled.length; i += PER_FLEET) {
      const f = await startFleetProcess(fleetCore, `fleet ${fleets.length + 1}`);
      fleets.push(f);
      // No heartbeats: idle terminals, and nothing the hub stores while it is measured.
      await f.call('init', { hub: hubUrl, heartbeatMs: 0, transports: ['websocket'] });
      await f.call('adopt', { identities: prepared.preEnrolled.slice(i, i + PER_FLEET) });
    }
    const hubRows: { n: number; reading: MemoryReading }[] = [
      { n: 0, reading: await hub.call<MemoryReading>('memory') },
    ];
    for (const step of steps) {
      await Promise.all(
        fleets.map((f, i) => f.call('connect', { count: shares(step)[i], concurrency: 250, timeoutMs: 120_000 })),
      );
      await new Promise((r) => setTimeout(r, 2000));
      const connected = (await Promise.all(fleets.map((f) => f.call<number>('connectedCount')))).reduce(
        (s, c) => s + c,
        0,
      );
      const reading = await hub.call<MemoryReading>('memory');
      hubRows.push({ n: connected, reading });
      log(`hub at ${connected}: rss ${kb(reading.rss)}, heap ${kb(reading.heapUsed)}`);
      if (options.heap && (step === steps[0] || step === n)) {
        fs.mkdirSync(options.heap, { recursive: true });
        const file = await hub.call<string>('heapSnapshot', {
          file: path.join(options.heap, `hub-${connected}.heapsnapshot`),
        });
        log(`heap snapshot ${file}`);
      }
    }
    await Promise.all(fleets.map((f) => f.call('disconnect', {})));
    await stopProcess(hub);
    hub = null;

    baseline = await startBaseline('sio', hubCore);
    const sioUrl = `http://127.0.0.1:${baseline.port}`;
    const sioRows: { n: number; reading: MemoryReading }[] = [
      { n: 0, reading: await baseline.call<MemoryReading>('memory') },
    ];
    for (const step of steps) {
      const got = await Promise.all(
        fleets.map((f, i) =>
          f.call<{ connected: number }>('sioConnect', {
            url: sioUrl,
            count: shares(step)[i],
            transports: ['websocket'],
          }),
        ),
      );
      await new Promise((r) => setTimeout(r, 2000));
      const reading = await baseline.call<MemoryReading>('memory');
      sioRows.push({ n: got.reduce((s, g) => s + g.connected, 0), reading });
      log(`plain Socket.IO at ${sioRows.at(-1)!.n}: rss ${kb(reading.rss)}, heap ${kb(reading.heapUsed)}`);
    }
    await Promise.all(fleets.map((f) => f.call('sioClose')));

    const perTerminal = (rows: { n: number; reading: MemoryReading }[]) => ({
      rss: slope(rows.map((r) => ({ x: r.n, y: r.reading.rss }))),
      heap: slope(rows.map((r) => ({ x: r.n, y: r.reading.heapUsed }))),
    });
    const hubSlope = perTerminal(hubRows);
    const sioSlope = perTerminal(sioRows);
    const result = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      machine: m,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: n,
      fleetProcesses: fleets.length,
      hub: hubRows,
      socketIo: sioRows,
      hubPerTerminal: hubSlope,
      socketIoPerTerminal: sioSlope,
      ratio: { rss: hubSlope.rss / sioSlope.rss, heap: hubSlope.heap / sioSlope.heap },
    };
    log(
      `per idle terminal (slope over ${hubRows.map((r) => r.n).join(', ')}): hub rss ${kb(hubSlope.rss)} / heap ${kb(hubSlope.heap)}; plain Socket.IO rss ${kb(sioSlope.rss)} / heap ${kb(sioSlope.heap)}; ratio rss ${result.ratio.rss.toFixed(2)}x, heap ${result.ratio.heap.toFixed(2)}x; load at end ${result.loadAverageAtEnd}`,
    );
    fs.mkdirSync(options.out, { recursive: true });
    const file = path.join(options.out, `benchmarks-memory-${n}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    for (const f of fleets) await stopProcess(f);
    await stopProcess(hub);
    await stopProcess(baseline);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
