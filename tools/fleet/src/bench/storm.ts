/**
 * `npm run bench -- --only storm [--terminals N] [--profile DIR]`: the reconnect storm (figure 5) on
 * its own — N terminals connected over fleet processes of at most 5,000 each, the hub SIGKILLed, an
 * announcement stored as "scheduled, not yet sent" while it is down, the hub restarted on the same
 * port. Kill → every terminal connected again and holding the announcement, against the hub's own
 * kill → listening. Writes data/bench/benchmarks-storm-N.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { databaseFile } from '@tsunagu/hub/db/database';
import { machine } from './machine';
import { prepareDatabase, storeAnnouncementWhileDown } from './prepare';
import { type Spawned, sampleProcess, startFleetProcess, startHubProcess, stopProcess } from './proc';

const PER_FLEET = 5000;

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
}

export async function runStormBench(options: { terminals: number; out: string; profile: string | null }) {
  const n = options.terminals;
  const started = performance.now();
  const log = (line: string) =>
    console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const m = machine();
  log(`storm at ${n} terminals; machine: ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`);
  const hubCore = m.cores >= 2 ? 0 : null;
  const fleetCore = m.cores >= 2 ? 1 : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-storm-'));
  let hub: Spawned | null = null;
  const fleets: Spawned[] = [];
  try {
    const prepared = await prepareDatabase(dataDir, { households: n, shops: 1, operators: 1, viaApi: 0 });
    hub = await startHubProcess(hubCore, dataDir);
    const hubUrl = `http://127.0.0.1:${hub.port}`;
    for (let i = 0; i < prepared.preEnrolled.length; i += PER_FLEET) {
      const f = await startFleetProcess(fleetCore, `fleet ${fleets.length + 1}`);
      fleets.push(f);
      await f.call('init', { hub: hubUrl, heartbeatMs: 30_000, transports: ['websocket'] });
      await f.call('adopt', { identities: prepared.preEnrolled.slice(i, i + PER_FLEET) });
    }
    const before = await Promise.all(
      fleets.map((f) => f.call<{ connected: number; ms: number }>('connect', { concurrency: 250, timeoutMs: 60_000 })),
    );
    const counts = await Promise.all(fleets.map((f) => f.call<number>('connectedCount')));
    const total = counts.reduce((s, c) => s + c, 0);
    log(`${total} connected in ${Math.round(Math.max(...before.map((b) => b.ms)))} ms; killing the hub (SIGKILL)…`);
    await new Promise((r) => setTimeout(r, 2000));
    await Promise.all(fleets.map((f) => f.call('stormArm')));
    const killedAt = performance.now();
    hub.child.kill('SIGKILL');
    await hub.exited;
    const announcementId = storeAnnouncementWhileDown(databaseFile(dataDir));
    hub = await startHubProcess(hubCore, dataDir, { port: Number(new URL(hubUrl).port) });
    const hubBackMs = performance.now() - killedAt;
    const sampler = sampleProcess(hub.pid, 250);
    if (options.profile) await hub.call('profileStart');
    log(
      `hub back after ${Math.round(hubBackMs)} ms (pid ${hub.pid}); announcement ${announcementId} stored while down`,
    );
    const parts = await Promise.all(
      fleets.map((f, i) => f.call<StormPart>('stormWait', { announcementId, count: counts[i], timeoutMs: 180_000 })),
    );
    const peaks = sampler.stop();
    if (options.profile) {
      fs.mkdirSync(options.profile, { recursive: true });
      const file = await hub.call('profileStop', { file: path.join(options.profile, 'hub-storm.cpuprofile') });
      log(`hub CPU profile of the storm: ${file}`);
    }
    const result = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      machine: m,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: total,
      fleetProcesses: fleets.length,
      hubBackMs: Math.round(hubBackMs),
      allReceivedMs: Math.round(Math.max(...parts.map((p) => p.allReceivedMs))),
      allReconnectedMs: Math.round(Math.max(...parts.map((p) => p.allReconnectedMs))),
      received: parts.reduce((s, p) => s + p.received, 0),
      reconnected: parts.reduce((s, p) => s + p.reconnected, 0),
      gaveUp: parts.reduce((s, p) => s + p.gaveUp, 0),
      complete: parts.every((p) => p.complete),
      parts,
      profiled: options.profile !== null,
      /** Null while the restarted hub still runs at the end (a code or signal if it died). */
      hubExit: hub.child.exitCode ?? hub.child.signalCode ?? null,
      ...peaks,
    };
    log(
      `storm: all back ${result.allReconnectedMs} ms, all holding the announcement ${result.allReceivedMs} ms after the kill (hub back ${result.hubBackMs} ms, ratio ${(result.allReceivedMs / result.hubBackMs).toFixed(2)}x); received ${result.received}/${total}; gave up ${result.gaveUp}; peak CPU ${peaks.peakCpuPercent} %, RSS ${Math.round(peaks.peakRssBytes / 1048576)} MB; load at end ${result.loadAverageAtEnd}`,
    );
    fs.mkdirSync(options.out, { recursive: true });
    const file = path.join(options.out, `benchmarks-storm-${n}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    for (const f of fleets) await stopProcess(f);
    await stopProcess(hub);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
