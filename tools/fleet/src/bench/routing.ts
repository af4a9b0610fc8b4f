/**
 * `node tools/fleet/dist/bench/routing.js [--quick] [--cpu-prof DIR]`: the bench's call-routing figure alone (figure
 * 3 of `npm run bench`), with its same-run baseline (a plain Socket.IO relay), for working on the
 * router without the ten-minute run. Same sizes, same processes pinned to the same cores, same
 * prepared database as the full bench; writes data/bench/benchmarks-routing.json. `--cpu-prof DIR`
 * writes the hub's CPU profile of the calls (DIR/hub-routing.cpuprofile; read it with profile-top.js).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LatencySummary } from '../sim/stats';
import { machine } from './machine';
import { prepareDatabase } from './prepare';
import { runCallLoad, type Spawned, startBaseline, startFleetProcess, startHubProcess, stopProcess } from './proc';
import { sizesFor } from './results';

const ROOT = path.resolve(__dirname, '../../../..');

async function main() {
  const quick = process.argv.includes('--quick');
  const profIndex = process.argv.indexOf('--cpu-prof');
  const profileDir = profIndex > 0 ? path.resolve(process.argv[profIndex + 1] ?? '.') : null;
  const sizes = sizesFor(quick);
  const m = machine();
  const hubCore = m.cores >= 2 ? 0 : null;
  const fleetCore = m.cores >= 2 ? 1 : null;
  const log = (line: string) => console.log(`[routing] ${line}`);
  log(`machine: ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-routing-'));
  let hub: Spawned | null = null;
  let fleet: Spawned | null = null;
  let baseline: Spawned | null = null;
  try {
    const prepared = await prepareDatabase(dataDir, {
      households: sizes.callers,
      shops: sizes.shops,
      operators: sizes.operators,
      viaApi: 0,
    });
    hub = await startHubProcess(hubCore, dataDir);
    const hubUrl = `http://127.0.0.1:${hub.port}`;
    fleet = await startFleetProcess(fleetCore);
    await fleet.call('init', { hub: hubUrl, heartbeatMs: 30_000, transports: ['websocket'] });
    await fleet.call('adopt', { identities: prepared.preEnrolled });
    const c = await fleet.call<{ connected: number; failed: number }>('connect', {
      count: sizes.callers,
      concurrency: 250,
    });
    log(`${c.connected} terminals connected (${c.failed} failed)`);
    if (profileDir) await hub.call('profileStart');
    const calls = await runCallLoad(fleet, prepared, sizes, log);
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      const file = path.join(profileDir, 'hub-routing.cpuprofile');
      await hub.call('profileStop', { file });
      log(`hub CPU profile of the calls (with the profiler's cost): ${file}`);
    }
    log(
      `hub: ${calls.rang}/${calls.callers} rang; request → ring p50 ${calls.requestToRing.p50} p99 ${calls.requestToRing.p99} max ${calls.requestToRing.max} ms`,
    );
    await fleet.call('disconnect', {});
    await stopProcess(hub);
    hub = null;

    baseline = await startBaseline('sio', hubCore);
    const sioUrl = `http://127.0.0.1:${baseline.port}`;
    await fleet.call('sioConnect', { url: sioUrl, count: sizes.callers, transports: ['websocket'] });
    const relay = await fleet.call<{ rang: number; requestToRing: LatencySummary }>('sioRelay', {
      url: sioUrl,
      operators: sizes.operators,
      callers: sizes.callers,
      overMs: sizes.callsOverMs,
    });
    log(`socket.io relay baseline: p50 ${relay.requestToRing.p50} p99 ${relay.requestToRing.p99} ms`);
    await fleet.call('sioClose');
    log(`ratio p99: ${(calls.requestToRing.p99 / Math.max(1, relay.requestToRing.p99)).toFixed(1)}×`);
    const out = path.join(ROOT, 'data/bench');
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, `benchmarks-routing${quick ? '-quick' : ''}.json`);
    fs.writeFileSync(
      file,
      `${JSON.stringify({ machine: m, sizes, calls: { hub: calls, baseline: relay } }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
  } finally {
    await stopProcess(hub);
    await stopProcess(baseline);
    await stopProcess(fleet);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
