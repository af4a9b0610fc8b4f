/**
 * The setup the bench's stand-alone parts share (--only storm, --only memory): N households with
 * enrolled terminals in a fresh data folder, the hub on core 0, the virtual terminals on core 1 in
 * fleet processes of at most 5,000 (each holds one socket per terminal under the open-file limit).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchLog, machine } from './machine';
import { type Prepared, prepareDatabase } from './prepare';
import { type Spawned, startFleetProcess, startHubProcess, stopProcess } from './proc';

export const PER_FLEET = 5000;

export interface City {
  machine: ReturnType<typeof machine>;
  log(line: string): void;
  hubCore: number | null;
  fleetCore: number | null;
  dataDir: string;
  prepared: Prepared | null;
  hub: Spawned | null;
  hubUrl: string;
  fleets: Spawned[];
  /** Other processes of the part, stopped with the city. */
  others: (Spawned | null)[];
  /** When the part began (performance.now()). */
  started: number;
}

export function newCity(part: string, n: number): City {
  const started = performance.now();
  const log = benchLog(started);
  const m = machine();
  log(`${part} at ${n} terminals; machine: ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`);
  return {
    machine: m,
    log,
    hubCore: m.cores >= 2 ? 0 : null,
    fleetCore: m.cores >= 2 ? 1 : null,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `tsunagu-bench-${part}-`)),
    prepared: null,
    hub: null,
    hubUrl: '',
    fleets: [],
    others: [],
    started,
  };
}

/** Prepares `n` households with terminals, starts the hub and the fleet processes holding them (not connected). */
export async function populate(city: City, n: number, heartbeatMs: number): Promise<Prepared> {
  const prepared = await prepareDatabase(city.dataDir, { households: n, shops: 1, operators: 1, viaApi: 0 });
  city.prepared = prepared;
  city.hub = await startHubProcess(city.hubCore, city.dataDir);
  city.hubUrl = `http://127.0.0.1:${city.hub.port}`;
  for (let i = 0; i < prepared.preEnrolled.length; i += PER_FLEET) {
    const f = await startFleetProcess(city.fleetCore, `fleet ${city.fleets.length + 1}`);
    city.fleets.push(f);
    await f.call('init', { hub: city.hubUrl, heartbeatMs, transports: ['websocket'] });
    await f.call('adopt', { identities: prepared.preEnrolled.slice(i, i + PER_FLEET) });
  }
  return prepared;
}

/** Terminals connected now, over all fleet processes. */
export async function connectedCount(city: City): Promise<number[]> {
  return Promise.all(city.fleets.map((f) => f.call<number>('connectedCount')));
}

export function writeResult(city: City, file: string, result: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  city.log(`wrote ${file}`);
}

export async function closeCity(city: City): Promise<void> {
  for (const f of city.fleets) await stopProcess(f);
  await stopProcess(city.hub);
  for (const p of city.others) await stopProcess(p);
  fs.rmSync(city.dataDir, { recursive: true, force: true });
}
