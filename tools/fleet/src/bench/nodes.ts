/**
 * `npm run bench -- --nodes 2 [--terminals N]` (issue 18): the same city on one hub on SQLite (today's
 * figures), on one hub on PostgreSQL + Redis, and on two hubs on PostgreSQL + Redis with the
 * terminals split between them, in one run: fan-out to N terminals (publish → received), memory per
 * idle terminal (the slope of RSS and heap after GC, as figure 2), and check-ins on PostgreSQL next
 * to SQLite (saturated and at each engine's raw rate, with the raw one-commit-per-check-in baselines
 * of better-sqlite3 and of `pg`). A bare `ws` server holding the same N connections is the fan-out's
 * baseline, as in figure 1.
 *
 * Two cores: every server process — the hub(s), PostgreSQL and Redis — is pinned to core 0, the
 * fleet processes to core 1, in all three set-ups. The columns differ in the server side only, with
 * the same CPU for it: what a second hub costs and what it takes off each hub, not what a second
 * machine would add. Each fleet process talks to one hub (5,000 terminals each at 10,000): no load
 * balancer, since HAProxy holds two descriptors per connection and 10,000 WebSockets through it
 * would pass this machine's 20,000 open files per process; and it would be a fourth server process
 * on the server core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '@tsunagu/hub/db/postgres';
import { type PostgresServer, startPostgres } from '@tsunagu/hub/testing/postgres';
import { type RedisServer, startRedis } from '@tsunagu/hub/testing/redis';
import type { Announcement } from '@tsunagu/protocol';
import type { CheckinLoadResult } from '../sim/fleet';
import { drillAnnouncement } from '../sim/fleet';
import { expectStatus, requestJson } from '../sim/http';
import { warmSpeech } from '../sim/speech-preview';
import { epochNow, type Seen } from '../sim/watch';
import { PER_FLEET } from './city';
import { figure } from './disaster';
import type { MemoryReading } from './ipc';
import { benchLog, hasCommand, machine } from './machine';
import { type ClusterStep, clusterSlopes, type FleetSlice, planFleets, stepCounts } from './nodes-plan';
import {
  type Busy,
  type NodesResults,
  nodesSection,
  nodesTable,
  type RawCheckins,
  type SetupResult,
} from './nodes-report';
import { type Prepared, prepareDatabase } from './prepare';
import {
  pinTree,
  readCpuTicks,
  redisPid,
  type Spawned,
  startBaseline,
  startFleetProcess,
  startHubProcess,
  stopProcess,
  treeTicks,
} from './proc';
import { sizesFor } from './results';
import { writePart } from './section';

export async function runNodesBench(options: { terminals: number; nodes: number; out: string; official: boolean }) {
  const n = options.terminals;
  const started = performance.now();
  const log = benchLog(started);
  const m = machine();
  const notes: string[] = [];
  log(
    `nodes part: ${n} terminals, 1 and ${options.nodes} hubs; ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`,
  );
  const pinned = m.cores >= 2 && hasCommand('taskset');
  const serverCore = pinned ? 0 : null;
  const fleetCore = pinned ? 1 : null;
  const placement = pinned
    ? 'Core 0: every server process (the hub or hubs, PostgreSQL with its backends, Redis); core 1: the fleet processes.'
    : 'Not pinned (fewer than 2 cores or no taskset).';
  const sizes = sizesFor(false);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-nodes-'));
  let postgres: PostgresServer | null = null;
  let redis: RedisServer | null = null;
  const running: Spawned[] = [];
  const stop = async (ps: Spawned[]) => {
    for (const p of ps) {
      await stopProcess(p);
      running.splice(running.indexOf(p), 1);
    }
  };
  const keep = <T extends Spawned>(p: T) => {
    running.push(p);
    return p;
  };
  try {
    // ---- PostgreSQL (durable: fsync and synchronous commit on, as SQLite's synchronous=FULL) and Redis
    // Its own folder in the temporary directory (PostgreSQL's user must reach it; removed when it stops).
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-pg-'));
    [postgres, redis] = await Promise.all([startPostgres({ dir: pgDir, durable: true }), startRedis()]);
    const postmaster = Number(fs.readFileSync(path.join(pgDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const redisServer = redisPid(redis.port);
    if (serverCore !== null) {
      pinTree(postmaster, serverCore);
      if (redisServer) pinTree(redisServer, serverCore);
      else notes.push('The Redis server process was not found by its port: it was not pinned.');
    }
    const admin = await openPostgres(postgres.url, { migrate: false, max: 1 });
    try {
      await admin.query('CREATE DATABASE tsunagu');
      await admin.query('CREATE DATABASE raw');
    } finally {
      await admin.end();
    }
    const databaseUrl = postgres.url.replace(/\/postgres$/, '/tsunagu');
    const rawUrl = postgres.url.replace(/\/postgres$/, '/raw');
    const migrated = await openPostgres(databaseUrl);
    // Preparing 10,000 enrolments without a disk flush each; the hubs get the server's default back.
    await migrated.query('ALTER DATABASE tsunagu SET synchronous_commit = off');
    await migrated.end();

    // ---- the same city twice: SQLite in a data folder, and PostgreSQL
    const city = { households: n, shops: 1, operators: 1, viaApi: 0 };
    const sqliteDir = path.join(tmp, 'sqlite');
    fs.mkdirSync(sqliteDir);
    log(`preparing ${n} households with enrolled terminals on SQLite and on PostgreSQL…`);
    const onSqlite = await prepareDatabase(sqliteDir, city);
    log('prepared on SQLite');
    const pgPrepDir = path.join(tmp, 'prepare');
    fs.mkdirSync(pgPrepDir);
    const onPostgres = await prepareDatabase(
      pgPrepDir,
      city,
      { database: { engine: 'postgres', url: databaseUrl } },
      8,
    );
    const reset = await openPostgres(databaseUrl, { migrate: false, max: 1 });
    await reset.query('ALTER DATABASE tsunagu RESET synchronous_commit');
    await reset.end();
    log('prepared on PostgreSQL');

    // ---- raw check-in baselines on the server core, before anything else runs there
    const raw = {
      sqlite: await rawRun('sqlite', serverCore, {}),
      postgres: await rawRun('pg', serverCore, { url: rawUrl }),
    };
    for (const [engine, r] of Object.entries(raw))
      log(
        `raw ${engine}, one commit per check-in: ${r.perSecond}/s, p50 ${r.latency.p50} p99 ${r.latency.p99} ms (${r.synchronous})`,
      );

    const pgEnv = { TSUNAGU_DATABASE_URL: databaseUrl, TSUNAGU_REDIS_URL: redis.url };
    const startHubs = async (count: number, engine: 'sqlite' | 'postgres') => {
      const hubs: Spawned[] = [];
      for (let i = 0; i < count; i++) {
        const dir = engine === 'sqlite' ? sqliteDir : path.join(tmp, `hub${i + 1}`);
        fs.mkdirSync(dir, { recursive: true });
        const t0 = performance.now();
        hubs.push(keep(await startHubProcess(serverCore, dir, engine === 'postgres' ? { env: pgEnv } : {})));
        log(
          `hub ${i + 1} (${engine}) pid ${hubs[i]!.pid} on core ${serverCore} listening after ${Math.round(performance.now() - t0)} ms`,
        );
      }
      return hubs;
    };
    const cpuPids = { postmaster, redis: redisServer };

    const setups: SetupResult[] = [];
    let baselineFleets: Spawned[] = [];
    const plans: {
      label: string;
      engine: 'sqlite' | 'postgres';
      hubs: number;
      prepared: Prepared;
      rawRate: number | null;
    }[] = [
      { label: '1 hub, SQLite', engine: 'sqlite', hubs: 1, prepared: onSqlite, rawRate: raw.sqlite.perSecond },
      {
        label: '1 hub, PostgreSQL + Redis',
        engine: 'postgres',
        hubs: 1,
        prepared: onPostgres,
        rawRate: raw.postgres.perSecond,
      },
      {
        label: `${options.nodes} hubs, PostgreSQL + Redis`,
        engine: 'postgres',
        hubs: options.nodes,
        prepared: onPostgres,
        rawRate: null,
      },
    ];
    // For looking into one set-up: TSUNAGU_BENCH_NODES_SETUPS=3 (or 1,3) runs only those (not for the figures).
    const only = process.env.TSUNAGU_BENCH_NODES_SETUPS?.split(',').map(Number);
    if (only) notes.push(`Only set-up(s) ${only.join(', ')} of ${plans.length} (TSUNAGU_BENCH_NODES_SETUPS).`);
    const chosen = plans.filter((_, i) => !only || only.includes(i + 1));
    for (const [i, plan] of chosen.entries()) {
      const last = i === chosen.length - 1;
      log(`---- ${plan.label}`);
      const hubs = await startHubs(plan.hubs, plan.engine);
      const urls = hubs.map((h) => `http://127.0.0.1:${h.port}`);
      const slices = planFleets(n, plan.hubs, PER_FLEET);
      const fleets: Spawned[] = [];
      for (const [f, s] of slices.entries()) {
        const fleet = keep(await startFleetProcess(fleetCore, `fleet ${f + 1}`));
        fleets.push(fleet);
        await fleet.call('init', { hub: urls[s.hub], heartbeatMs: 30_000, transports: ['websocket'] });
        await fleet.call('adopt', { identities: plan.prepared.preEnrolled.slice(s.from, s.to) });
      }
      const setup = await measureSetup({
        ...plan,
        n,
        hubs,
        urls,
        slices,
        fleets,
        sizes,
        log,
        cpuPids,
      });
      setups.push(setup);
      await Promise.all(fleets.map((f) => f.call('disconnect', {})));
      await stop(hubs);
      if (last) baselineFleets = fleets;
      else await stop(fleets);
    }

    // ---- baseline: a bare ws server on the server core, the same N clients from the same fleet processes
    const slices = setups.at(-1)!.slices;
    const baselineServer = keep(await startBaseline('ws', serverCore));
    const wsUrl = `ws://127.0.0.1:${baselineServer.port}`;
    await Promise.all(
      baselineFleets.map((f, i) => f.call('wsConnect', { url: wsUrl, count: slices[i]!.to - slices[i]!.from })),
    );
    await Promise.all(baselineFleets.map((f) => f.call('wsWatch', { clipUrl: null })));
    const payload = JSON.stringify({ ...drillAnnouncement('baseline'), id: 1 });
    const t0 = epochNow();
    expectStatus(
      await requestJson(`http://127.0.0.1:${baselineServer.port}`, '/publish', { body: { payload } }),
      [200],
      'baseline publish',
    );
    const t1 = epochNow();
    const baseline = figure(
      t0,
      t1,
      await Promise.all(baselineFleets.map((f) => f.call<Seen>('wsCollect', { timeoutMs: 60_000 }))),
    );
    log(
      `bare ws → ${baseline.received}: p50 ${baseline.receive.p50} p99 ${baseline.receive.p99} max ${baseline.receive.max} ms`,
    );
    await Promise.all(baselineFleets.map((f) => f.call('wsClose')));

    const results: NodesResults = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      finishedAt: new Date().toISOString(),
      machine: m,
      loadAverageAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
      terminals: n,
      nodes: options.nodes,
      placement,
      raw,
      setups,
      baseline,
      notes,
    };
    log(`load at the end ${results.loadAverageAtEnd}; ${Math.round((performance.now() - started) / 1000)} s in all`);
    writePart({
      out: options.out,
      official: options.official,
      terminals: n,
      name: 'nodes',
      results,
      table: nodesTable(results),
      section: nodesSection(results),
    });
  } finally {
    for (const p of [...running].reverse()) await stopProcess(p);
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function rawRun(kind: 'sqlite' | 'pg', core: number | null, args: { url?: string }): Promise<RawCheckins> {
  const p = await startBaseline(kind, core);
  try {
    return await p.call<RawCheckins>('run', { ...args, durationMs: sizesFor(false).checkinMs, households: 1000 });
  } finally {
    await stopProcess(p);
  }
}

async function measureSetup(s: {
  label: string;
  engine: 'sqlite' | 'postgres';
  n: number;
  hubs: Spawned[];
  urls: string[];
  slices: FleetSlice[];
  fleets: Spawned[];
  prepared: Prepared;
  rawRate: number | null;
  sizes: ReturnType<typeof sizesFor>;
  log: (line: string) => void;
  cpuPids: { postmaster: number; redis: number | null };
}): Promise<SetupResult> {
  const { n, hubs, fleets, slices, log } = s;
  const read = () => Promise.all(hubs.map((h) => h.call<MemoryReading>('memory')));
  const perHub = (counts: number[]) =>
    hubs.map((_, h) => counts.reduce((t, c, f) => t + (slices[f]!.hub === h ? c : 0), 0));

  // ---- memory per idle terminal: 0, N/10, N/2, N (figure 2's steps at 10,000: 1,000, 5,000, 10,000)
  const memory: ClusterStep[] = [{ terminals: hubs.map(() => 0), readings: await read() }];
  const connecting: SetupResult['connecting'] = {
    terminals: 0,
    wallMs: 0,
    failed: 0,
    hubsCpuMs: hubs.map(() => 0),
    postgresCpuMs: null,
  };
  for (const step of [Math.round(n / 10), Math.round(n / 2), n]) {
    const want = stepCounts(slices, step);
    const cpu0 = hubs.map((h) => readCpuTicks(h.pid) ?? 0);
    const pg0 = s.engine === 'postgres' ? treeTicks(s.cpuPids.postmaster) : 0;
    const wall0 = performance.now();
    const c = await Promise.all(
      fleets.map((f, i) =>
        f.call<{ connected: number; failed: number; ms: number; firstFailures: string[] }>('connect', {
          count: want[i],
          concurrency: 250,
          timeoutMs: 120_000,
        }),
      ),
    );
    const connectCpu = hubs.map((h, i) => ((readCpuTicks(h.pid) ?? 0) - cpu0[i]!) * 10);
    if (s.engine === 'postgres') connectCpu.push((treeTicks(s.cpuPids.postmaster) - pg0) * 10);
    connecting.wallMs += Math.round(performance.now() - wall0);
    connecting.failed += c.reduce((t, x) => t + x.failed, 0);
    connecting.hubsCpuMs = connecting.hubsCpuMs.map((ms, i) => ms + connectCpu[i]!);
    if (s.engine === 'postgres') connecting.postgresCpuMs = (connecting.postgresCpuMs ?? 0) + connectCpu.at(-1)!;
    await new Promise((r) => setTimeout(r, 2000));
    const counts = await Promise.all(fleets.map((f) => f.call<number>('connectedCount')));
    connecting.terminals = counts.reduce((a, b) => a + b, 0);
    const readings = await read();
    memory.push({ terminals: perHub(counts), readings });
    const failed = c.reduce((t, x) => t + x.failed, 0);
    log(
      `${counts.reduce((a, b) => a + b, 0)} connected (${failed} failed, ${c.map((x) => Math.round(x.ms)).join(' / ')} ms per fleet process, CPU ms hubs${s.engine === 'postgres' ? ' and PostgreSQL' : ''} ${connectCpu.join(' + ')}${failed ? `; ${[...new Set(c.flatMap((x) => x.firstFailures))].join('; ')}` : ''}); hub rss ${readings.map((r) => mb(r.rss)).join(' + ')}, heap ${readings.map((r) => mb(r.heapUsed)).join(' + ')}`,
    );
  }
  const perTerminal = clusterSlopes(memory);
  log(
    `per idle terminal: rss ${kb(perTerminal.sum.rss)}, heap ${kb(perTerminal.sum.heap)} (all hubs over all terminals)`,
  );

  // ---- fan-out: published on hub 1 (city hall's API key), received by every terminal of every hub
  const watch = () => Promise.all(fleets.map((f) => f.call('watch', { hub: s.urls[0], clip: false })));
  const collect = (id: number) => Promise.all(fleets.map((f) => f.call<Seen>('collect', { id, timeoutMs: 60_000 })));
  const publish = async (label: string) => {
    const body = drillAnnouncement(label);
    // City hall listens first (the compose dialog makes the clip): the send does not wait for synthesis.
    await warmSpeech(s.urls[0]!, s.prepared.apiKey, body);
    const t0 = epochNow();
    const res = await requestJson<Announcement>(s.urls[0]!, '/api/announcements', {
      body,
      bearer: s.prepared.apiKey,
      timeoutMs: 120_000,
    });
    const t1 = epochNow();
    return { id: expectStatus(res, [201], 'publishing').id, t0, t1 };
  };
  // Not measured: a fresh hub's first announcement pays for its JIT.
  await watch();
  const warm = await publish(`${s.label}, warm-up`);
  await collect(warm.id);
  await watch();
  const serverTicks = () => ({
    hubs: hubs.map((h) => readCpuTicks(h.pid) ?? 0),
    postgres: s.engine === 'postgres' ? treeTicks(s.cpuPids.postmaster) : null,
    redis: s.engine === 'postgres' && s.cpuPids.redis ? (readCpuTicks(s.cpuPids.redis) ?? 0) : null,
    fleets: fleets.map((f) => readCpuTicks(f.pid) ?? 0),
  });
  /** Runs `stretch` and says how much CPU each process used over it. */
  const busyOver = async <T>(stretch: () => Promise<T>): Promise<[T, Busy]> => {
    const before = serverTicks();
    const wall0 = performance.now();
    const result = await stretch();
    const wallMs = Math.round(performance.now() - wall0);
    const after = serverTicks();
    const ms10 = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) * 10);
    return [
      result,
      {
        wallMs,
        hubsCpuMs: after.hubs.map((t, i) => (t - before.hubs[i]!) * 10),
        postgresCpuMs: ms10(before.postgres, after.postgres),
        redisCpuMs: ms10(before.redis, after.redis),
        fleetCpuMs: after.fleets.map((t, i) => (t - before.fleets[i]!) * 10),
      },
    ];
  };
  const [{ p, parts }, busy] = await busyOver(async () => {
    const p = await publish(s.label);
    return { p, parts: await collect(p.id) };
  });
  const fanout = { ...figure(p.t0, p.t1, parts), busy };
  const fanoutPerHub = hubs.map((_, h) =>
    figure(
      p.t0,
      p.t1,
      parts.filter((_, f) => slices[f]!.hub === h),
    ),
  );
  log(
    `fan-out → ${fanout.received}/${n}: p50 ${fanout.receive.p50} p95 ${fanout.receive.p95} p99 ${fanout.receive.p99} max ${fanout.receive.max} ms; all stored ${fanout.allStoredMs} ms${hubs.length > 1 ? `; per hub p99 ${fanoutPerHub.map((f) => f.receive.p99).join(' / ')} ms` : ''}; CPU ms hubs ${busy.hubsCpuMs.join('+')}, postgres ${busy.postgresCpuMs ?? '—'}, redis ${busy.redisCpuMs ?? '—'}, fleets ${busy.fleetCpuMs.join('+')} over ${busy.wallMs} ms`,
  );

  // ---- check-ins (one hub): saturated, then arriving at the engine's raw rate
  let checkins: SetupResult['checkins'] = null;
  if (s.rawRate !== null) {
    const fleet = fleets[0]!;
    const concurrency = Math.min(s.sizes.checkinConcurrency, await fleet.call<number>('connectedCount'));
    const cpuText = (b: Busy) =>
      `CPU ms hub ${b.hubsCpuMs.join('+')}, postgres ${b.postgresCpuMs ?? '—'}, fleet ${b.fleetCpuMs[0]} over ${b.wallMs} ms`;
    const [saturation, saturationBusy] = await busyOver(() =>
      fleet.call<CheckinLoadResult>('checkins', { concurrency, durationMs: s.sizes.checkinMs }),
    );
    log(
      `check-ins saturated (${concurrency}): ${saturation.perSecond}/s, p50 ${saturation.latency.p50} p99 ${saturation.latency.p99} ms, failed ${saturation.failed}; ${cpuText(saturationBusy)}`,
    );
    const rawRate = Math.max(1, s.rawRate);
    const [atRawRate, atRawRateBusy] = await busyOver(() =>
      fleet.call<CheckinLoadResult>('checkinsAtRate', { perSecond: rawRate, durationMs: s.sizes.checkinMs }),
    );
    log(
      `check-ins at the raw rate (${s.rawRate}/s): ${atRawRate.perSecond}/s, p50 ${atRawRate.latency.p50} p99 ${atRawRate.latency.p99} ms, failed ${atRawRate.failed}; ${cpuText(atRawRateBusy)}`,
    );
    checkins = { saturation, atRawRate, busy: { saturation: saturationBusy, atRawRate: atRawRateBusy } };
  }
  // The next set-up on the same database starts with no announcement in force (no catch-up lists).
  for (const id of [warm.id, p.id])
    expectStatus(
      await requestJson(s.urls[0]!, `/api/announcements/${id}/cancel`, { body: {}, bearer: s.prepared.apiKey }),
      [200],
      'cancelling a drill',
    );
  return {
    label: s.label,
    engine: s.engine,
    hubs: hubs.length,
    slices,
    memory,
    perTerminal,
    connecting,
    fanout,
    fanoutPerHub,
    checkins,
  };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
