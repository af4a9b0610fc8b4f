/**
 * `npm run bench -- --only memory [--terminals N] [--heap DIR]`: the hub's memory per idle terminal
 * (figure 2) on its own, at up to 19,000 terminals — the fleet split over processes of at most
 * 5,000 (each holds one socket per terminal under the 20,000 open-file limit). Hub RSS and heap after
 * GC at 0, 1,000 (from N = 4,000), N/4, N/2, 3N/4 and N terminals: the least-squares slope and the
 * slope between each two points (how the cost grows), against a plain Socket.IO server holding the
 * same connections from the same processes (same run). `--heap DIR` then starts the hub again and
 * writes its heap snapshots at 1,000 and 5,000 terminals (or N/4 and N), and plain Socket.IO's at the
 * same points (sio-N.heapsnapshot), for heap-diff.js: a heap
 * snapshot makes the process's RSS jump by hundreds of MB, so it never precedes an RSS reading.
 * Writes data/bench/benchmarks-memory-N.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { slope } from '../sim/stats';
import { closeCity, connectedCount, newCity, PER_FLEET, populate, writeResult } from './city';
import type { MemoryReading } from './ipc';
import { type Spawned, startBaseline, startHubProcess, stopProcess } from './proc';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function runMemoryBench(options: { terminals: number; out: string; heap: string | null }) {
  const n = options.terminals;
  const city = newCity('memory', n);
  const { log, fleets } = city;
  const quarters = [1, 2, 3, 4].map((q) => Math.round((n * q) / 4));
  const steps = n >= 4000 ? [1000, ...quarters] : quarters;
  // How many of the first `total` terminals each fleet process holds.
  const shares = (total: number) => fleets.map((_, i) => Math.max(0, Math.min(PER_FLEET, total - i * PER_FLEET)));
  try {
    // No heartbeats: idle terminals, and nothing the hub stores while it is measured.
    await populate(city, n, 0);
    const hub = city.hub!;
    const hubRows: { n: number; reading: MemoryReading }[] = [
      { n: 0, reading: await hub.call<MemoryReading>('memory') },
    ];
    for (const step of steps) {
      await Promise.all(
        fleets.map((f, i) => f.call('connect', { count: shares(step)[i], concurrency: 250, timeoutMs: 120_000 })),
      );
      await new Promise((r) => setTimeout(r, 2000));
      const connected = (await connectedCount(city)).reduce((s, c) => s + c, 0);
      const reading = await hub.call<MemoryReading>('memory');
      hubRows.push({ n: connected, reading });
      log(`hub at ${connected}: rss ${kb(reading.rss)}, heap ${kb(reading.heapUsed)}`);
    }
    await Promise.all(fleets.map((f) => f.call('disconnect', {})));
    await stopProcess(hub);
    city.hub = null;

    const baseline = await startBaseline('sio', city.hubCore);
    city.others.push(baseline);
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
    await stopProcess(baseline);

    if (options.heap) {
      // The same hub again on the same port, for its heap snapshots only (see the top of the file).
      city.hub = await startHubProcess(city.hubCore, city.dataDir, { port: Number(new URL(city.hubUrl).port) });
      fs.mkdirSync(options.heap, { recursive: true });
      const points = n >= 5000 ? [1000, 5000] : [quarters[0]!, n];
      /** At each point: `connect` (it answers how many are connected), then `name`-N.heapsnapshot of `proc`. */
      const snapshots = async (name: string, proc: Spawned, connect: (point: number) => Promise<number>) => {
        for (const point of points) {
          const connected = await connect(point);
          await new Promise((r) => setTimeout(r, 2000));
          const file = await proc.call<string>('heapSnapshot', {
            file: path.join(options.heap!, `${name}-${connected}.heapsnapshot`),
          });
          log(`${name} heap snapshot at ${connected}: ${file}`);
        }
      };
      await snapshots('hub', city.hub, async (point) => {
        await Promise.all(
          fleets.map((f, i) => f.call('connect', { count: shares(point)[i], concurrency: 250, timeoutMs: 120_000 })),
        );
        return (await connectedCount(city)).reduce((s, c) => s + c, 0);
      });
      await Promise.all(fleets.map((f) => f.call('disconnect', {})));
      // Plain Socket.IO at the same points, so heap-diff can compare owner by owner.
      const sio = await startBaseline('sio', city.hubCore);
      city.others.push(sio);
      await snapshots('sio', sio, async (point) => {
        await Promise.all(
          fleets.map((f, i) =>
            f.call('sioConnect', {
              url: `http://127.0.0.1:${sio.port}`,
              count: shares(point)[i],
              transports: ['websocket'],
            }),
          ),
        );
        return point;
      });
      await Promise.all(fleets.map((f) => f.call('sioClose')));
      await stopProcess(sio);
    }

    const perTerminal = (rows: { n: number; reading: MemoryReading }[]) => ({
      rss: slope(rows.map((r) => ({ x: r.n, y: r.reading.rss }))),
      heap: slope(rows.map((r) => ({ x: r.n, y: r.reading.heapUsed }))),
    });
    // KB per terminal from each point to the next: flat if every terminal costs the same.
    const between = (rows: { n: number; reading: MemoryReading }[]) =>
      rows.slice(1).map((r, i) => ({
        from: rows[i]!.n,
        to: r.n,
        rss: (r.reading.rss - rows[i]!.reading.rss) / (r.n - rows[i]!.n),
        heap: (r.reading.heapUsed - rows[i]!.reading.heapUsed) / (r.n - rows[i]!.n),
      }));
    const hubSlope = perTerminal(hubRows);
    const sioSlope = perTerminal(sioRows);
    const result = {
      startedAt: new Date(Date.now() - (performance.now() - city.started)).toISOString(),
      machine: city.machine,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: n,
      /** TSUNAGU_BENCH_TERMINAL_RECOVERY=1: the hub's terminals kept Socket.IO's connection-state recovery (as before). */
      terminalRecovery: process.env.TSUNAGU_BENCH_TERMINAL_RECOVERY === '1',
      fleetProcesses: fleets.length,
      hub: hubRows,
      socketIo: sioRows,
      hubPerTerminal: hubSlope,
      hubBetweenPoints: between(hubRows),
      socketIoBetweenPoints: between(sioRows),
      socketIoPerTerminal: sioSlope,
      ratio: { rss: hubSlope.rss / sioSlope.rss, heap: hubSlope.heap / sioSlope.heap },
    };
    log(
      `per idle terminal (slope over ${hubRows.map((r) => r.n).join(', ')}): hub rss ${kb(hubSlope.rss)} / heap ${kb(hubSlope.heap)}; plain Socket.IO rss ${kb(sioSlope.rss)} / heap ${kb(sioSlope.heap)}; ratio rss ${result.ratio.rss.toFixed(2)}x, heap ${result.ratio.heap.toFixed(2)}x; load at end ${result.loadAverageAtEnd}`,
    );
    const segments = (rows: ReturnType<typeof between>) =>
      rows.map((r) => `${r.from}→${r.to} ${kb(r.rss)}/${kb(r.heap)}`).join(', ');
    log(`between points, rss/heap per terminal: hub ${segments(result.hubBetweenPoints)}`);
    log(`between points, rss/heap per terminal: plain Socket.IO ${segments(result.socketIoBetweenPoints)}`);
    writeResult(city, path.join(options.out, `benchmarks-memory-${n}.json`), result);
  } finally {
    await closeCity(city);
  }
}
