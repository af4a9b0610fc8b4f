/**
 * `npm run bench -- --only storm [--terminals N] [--profile DIR]`: the reconnect storm (figure 5) on
 * its own — N terminals connected over fleet processes of at most 5,000 each, the hub SIGKILLed, an
 * announcement stored as "scheduled, not yet sent" while it is down, the hub restarted on the same
 * port. Kill → every terminal connected again and holding the announcement, against the hub's own
 * kill → listening. Writes data/bench/benchmarks-storm-N.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { databaseFile } from '@tsunagu/hub/db/database';
import { type StormTimeline, timelineTable, trailSummary } from '../sim/timeline';
import { closeCity, connectedCount, newCity, populate, writeResult } from './city';
import { storeAnnouncementWhileDown } from './prepare';
import { sampleProcess, startHubProcess } from './proc';
import type { BenchResults } from './results';

interface StormPart {
  complete: boolean;
  terminals: number;
  reconnected: number;
  received: number;
  gaveUp: number;
  allReceivedMs: number;
  allReconnectedMs: number;
  reconnect: { p50: number; p99: number };
  receive: { p50: number; p99: number };
  timeline: StormTimeline;
}

/** What the full bench's figure 5 takes from a storm run. */
export type StormFigure = NonNullable<BenchResults['storm']>['result'] & {
  terminals: number;
  hubBackMs: number;
  peakCpuPercent: number;
  peakRssBytes: number;
};

export async function runStormBench(options: {
  terminals: number;
  out: string;
  profile: string | null;
}): Promise<StormFigure> {
  const n = options.terminals;
  const city = newCity('storm', n);
  const { log } = city;
  try {
    await populate(city, n, 30_000);
    const before = await Promise.all(
      city.fleets.map((f) => f.call<{ ms: number }>('connect', { concurrency: 250, timeoutMs: 60_000 })),
    );
    const counts = await connectedCount(city);
    const total = counts.reduce((s, c) => s + c, 0);
    log(`${total} connected in ${Math.round(Math.max(...before.map((b) => b.ms)))} ms; killing the hub (SIGKILL)…`);
    await new Promise((r) => setTimeout(r, 2000));
    await Promise.all(city.fleets.map((f) => f.call('stormArm')));
    const fleetCpu = city.fleets.map((f) => sampleProcess(f.pid, 250));
    const killedAt = performance.now();
    const killedWall = Date.now();
    city.hub!.child.kill('SIGKILL');
    await city.hub!.exited;
    const announcementId = await storeAnnouncementWhileDown(databaseFile(city.dataDir));
    const hub = await startHubProcess(city.hubCore, city.dataDir, { port: Number(new URL(city.hubUrl).port) });
    city.hub = hub;
    const hubBackMs = performance.now() - killedAt;
    const sampler = sampleProcess(hub.pid, 250);
    if (options.profile) await hub.call('profileStart');
    log(
      `hub back after ${Math.round(hubBackMs)} ms (pid ${hub.pid}); announcement ${announcementId} stored while down`,
    );
    const parts = await Promise.all(
      city.fleets.map((f, i) =>
        f.call<StormPart>('stormWait', { announcementId, count: counts[i], timeoutMs: 180_000, hubBackMs }),
      ),
    );
    const peaks = sampler.stop();
    const timelines = parts.map((p) => p.timeline);
    const cpu: Record<string, number[]> = { 'hub cpu%': sampler.cpuPerBucket(killedWall) };
    fleetCpu.forEach((f, i) => {
      f.stop();
      cpu[`fleet${i + 1} %`] = f.cpuPerBucket(killedWall);
    });
    for (const line of timelineTable(timelines, cpu)) log(line);
    const trails = trailSummary(timelines, hubBackMs);
    log(`per terminal: ${JSON.stringify({ ...trails, slowest: undefined })}`);
    log(`slowest: ${JSON.stringify(trails.slowest)}`);
    if (options.profile) {
      fs.mkdirSync(options.profile, { recursive: true });
      const file = await hub.call('profileStop', { file: path.join(options.profile, 'hub-storm.cpuprofile') });
      log(`hub CPU profile of the storm: ${file}`);
    }
    const result = {
      startedAt: new Date(Date.now() - (performance.now() - city.started)).toISOString(),
      machine: city.machine,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: total,
      fleetProcesses: city.fleets.length,
      hubBackMs: Math.round(hubBackMs),
      allReceivedMs: Math.round(Math.max(...parts.map((p) => p.allReceivedMs))),
      allReconnectedMs: Math.round(Math.max(...parts.map((p) => p.allReconnectedMs))),
      received: parts.reduce((s, p) => s + p.received, 0),
      reconnected: parts.reduce((s, p) => s + p.reconnected, 0),
      gaveUp: parts.reduce((s, p) => s + p.gaveUp, 0),
      complete: parts.every((p) => p.complete),
      parts: parts.map(({ timeline: _t, ...rest }) => rest),
      trails,
      cpuPerSecond: cpu,
      profiled: options.profile !== null,
      /** TSUNAGU_BENCH_ADMISSION_LINE=0: terminals beyond the rate refused at once, as before the line. */
      admissionLine: process.env.TSUNAGU_BENCH_ADMISSION_LINE !== '0',
      /** Null while the restarted hub still runs at the end (a code or signal if it died). */
      hubExit: hub.child.exitCode ?? hub.child.signalCode ?? null,
      ...peaks,
    };
    log(
      `storm: all back ${result.allReconnectedMs} ms, all holding the announcement ${result.allReceivedMs} ms after the kill (hub back ${result.hubBackMs} ms, ratio ${(result.allReceivedMs / result.hubBackMs).toFixed(2)}x); received ${result.received}/${total}; gave up ${result.gaveUp}; peak CPU ${peaks.peakCpuPercent} %, RSS ${Math.round(peaks.peakRssBytes / 1048576)} MB; load at end ${result.loadAverageAtEnd}`,
    );
    writeResult(city, path.join(options.out, `benchmarks-storm-${n}.json`), result);
    const worst = (f: (p: StormPart) => { p50: number; p99: number }) => ({
      p50: Math.max(...parts.map((p) => f(p).p50)),
      p99: Math.max(...parts.map((p) => f(p).p99)),
    });
    return {
      ...result,
      reconnect: worst((p) => p.reconnect),
      receive: worst((p) => p.receive),
    };
  } finally {
    await closeCity(city);
  }
}
