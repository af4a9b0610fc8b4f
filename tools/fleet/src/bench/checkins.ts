/**
 * `npm run bench -- --only checkins [--terminals N] [--profile DIR]`: figure 4 on its own — the raw
 * one-commit-per-row rate (better-sqlite3, synchronous=FULL) measured first on the hub's core, then
 * N terminals (1,000 by default) connected: check-ins in a closed loop (saturated), then arriving at
 * the raw rate (open loop). `--profile DIR` writes the hub's CPU profile of both runs. Writes
 * data/bench/benchmarks-checkins-N.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CheckinLoadResult, slowWindowNote } from '../sim/fleet';
import { closeCity, connectedCount, newCity, populate, writeResult } from './city';
import { startBaseline, stopProcess } from './proc';
import { sizesFor } from './results';

export async function runCheckinsBench(options: { terminals: number; out: string; profile: string | null }) {
  const n = options.terminals;
  const sizes = sizesFor(false);
  const city = newCity('checkins', n);
  const { log } = city;
  try {
    const baseline = await startBaseline('sqlite', city.hubCore);
    const raw = await baseline.call<{ perSecond: number; latency: { p50: number; p99: number } }>('run', {
      durationMs: sizes.checkinMs,
      households: 1000,
    });
    await stopProcess(baseline);
    log(
      `raw better-sqlite3, one commit per check-in: ${raw.perSecond}/s, p50 ${raw.latency.p50} p99 ${raw.latency.p99} ms`,
    );
    await populate(city, n, 30_000);
    await Promise.all(city.fleets.map((f) => f.call('connect', { concurrency: 250, timeoutMs: 60_000 })));
    const total = (await connectedCount(city)).reduce((s, c) => s + c, 0);
    log(`${total} connected`);
    await new Promise((r) => setTimeout(r, 2000));
    const hub = city.hub!;
    const fleet = city.fleets[0]!;
    if (options.profile) {
      await hub.call('profileStart');
      await hub.call('allocationsStart');
    }
    const concurrency = Math.min(sizes.checkinConcurrency, total);
    const saturation = await fleet.call<CheckinLoadResult>('checkins', { concurrency, durationMs: sizes.checkinMs });
    log(
      `saturated (${concurrency} in a closed loop): ${saturation.perSecond}/s (${(saturation.perSecond / raw.perSecond).toFixed(2)}x raw), p50 ${saturation.latency.p50} p99 ${saturation.latency.p99} ms, failed ${saturation.failed}`,
    );
    const rate = Math.max(1, raw.perSecond);
    const atRate = await fleet.call<CheckinLoadResult>('checkinsAtRate', {
      perSecond: rate,
      durationMs: sizes.checkinMs,
    });
    log(
      `at the raw rate (${rate}/s arriving): ${atRate.perSecond}/s done, p50 ${atRate.latency.p50} p99 ${atRate.latency.p99} ms, failed ${atRate.failed}${slowWindowNote(atRate)}`,
    );
    if (options.profile) {
      fs.mkdirSync(options.profile, { recursive: true });
      const file = await hub.call('profileStop', { file: path.join(options.profile, 'hub-checkins.cpuprofile') });
      log(`hub CPU profile: ${file}`);
      const sampled = path.join(options.profile, 'hub-checkins.heapprofile');
      log(`hub allocations (sampled): ${await hub.call('allocationsStop', { file: sampled })}`);
    }
    const result = {
      startedAt: new Date(Date.now() - (performance.now() - city.started)).toISOString(),
      machine: city.machine,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: total,
      profiled: options.profile !== null,
      baseline: raw,
      saturation,
      atRawRate: atRate,
    };
    log(`load at end ${result.loadAverageAtEnd}`);
    writeResult(city, path.join(options.out, `benchmarks-checkins-${n}.json`), result);
  } finally {
    await closeCity(city);
  }
}
