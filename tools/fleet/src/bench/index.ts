/**
 * `npm run bench [-- --quick]`: the hub and the virtual fleet in separate processes pinned to
 * separate cores, on a database on disk, each figure next to a baseline measured in the same run.
 * Prints a table and writes docs/benchmarks.json and docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eewForMitaka, JMA_CITIES } from '@tsunagu/hub/testing/jma';
import { type CheckinLoadResult, type FanoutResult, slowWindowNote } from '../sim/fleet';
import { expectStatus, requestJson } from '../sim/http';
import type { SpeechFanoutResult } from '../sim/speech';
import { type LatencySummary, slope } from '../sim/stats';
import { TERMINAL_WEB_DIR, terminalBundleSize, terminalStart } from './browser';
import { runCheckinsBench } from './checkins';
import { runDisasterBench } from './disaster';
import type { CpuReading, MemoryReading } from './ipc';
import { benchLog, machine } from './machine';
import { runMemoryBench } from './memory';
import { runNodesBench } from './nodes';
import { parseBenchOptions } from './options';
import { prepareDatabase } from './prepare';
import {
  childrenDone,
  runCallLoad,
  type Spawned,
  startBaseline,
  startFleetProcess,
  startHubProcess,
  stopProcess,
} from './proc';
import { renderMarkdown, renderTable } from './report';
import { type BaselineFanout, type BenchResults, sizesFor } from './results';
import { measureSynthesis } from './speech';
import { runStartBench } from './start';
import { runStormBench } from './storm';

const ROOT = path.resolve(__dirname, '../../../..');

async function main() {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.only === 'disaster' || options.only === 'start') {
    // A part on its own: the official run (default size) writes docs/, any other data/bench/.
    const official = options.terminals === null && !options.quick;
    const part = {
      terminals: options.terminals ?? (options.quick ? 500 : 10_000),
      out: options.out ?? path.join(ROOT, official ? 'docs' : 'data/bench'),
      official,
    };
    if (options.only === 'disaster') await runDisasterBench({ ...part, profile: options.profile });
    else await runStartBench({ ...part, before: options.before, runs: options.runs });
    process.exit(0);
  }
  if (options.only === 'storm' || options.only === 'memory') {
    const part = {
      terminals: options.terminals ?? (options.quick ? 500 : 10_000),
      out: options.out ?? path.join(ROOT, 'data/bench'),
      profile: options.profile,
      heap: options.heap,
    };
    await (options.only === 'storm' ? runStormBench(part) : runMemoryBench(part));
    process.exit(0);
  }
  if (options.only === 'nodes') {
    const official = options.terminals === null && !options.quick;
    await runNodesBench({
      terminals: options.terminals ?? (options.quick ? 500 : 10_000),
      nodes: options.nodes,
      out: options.out ?? path.join(ROOT, official ? 'docs' : 'data/bench'),
      official,
    });
    process.exit(0);
  }
  if (options.only === 'checkins') {
    await runCheckinsBench({
      terminals: options.terminals ?? 1000,
      out: options.out ?? path.join(ROOT, 'data/bench'),
      profile: options.profile,
    });
    process.exit(0);
  }
  const sizes = sizesFor(options.quick);
  if (options.terminals !== null) {
    const n = options.terminals;
    sizes.fanout = [Math.round(n / 10), Math.round(n / 2), n];
    sizes.storm = n;
    sizes.viaApi = Math.min(sizes.viaApi, Math.round(n / 10));
  }
  const maxN = Math.max(...sizes.fanout, sizes.storm);
  const started = performance.now();
  const log = benchLog(started);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    quick: options.quick,
    machine: machine(),
    notes: [],
    fanout: [],
    memory: { hub: [], socketIo: [], ws: [] },
    connect: [],
  };
  results.notes.push(
    'Virtual terminals connect with WebSocket from the start (transports: [websocket]); the real terminal first long-polls and then upgrades. The plain Socket.IO baseline clients do the same.',
  );
  if (!results.machine.taskset)
    results.notes.push('taskset (util-linux) was not found: processes were not pinned to cores.');
  if (results.machine.cores < 2) results.notes.push('Only one core: hub and fleet shared it.');
  const hubCore = results.machine.cores >= 2 ? 0 : null;
  const fleetCore = results.machine.cores >= 2 ? 1 : null;
  // `--profile DIR` on the full run: the hub's and the fleet's CPU profiles of each measured stage
  // (DIR/hub-STAGE.cpuprofile, DIR/fleet-STAGE.cpuprofile), and how busy each process was over it.
  const stage = async <T>(name: string, procs: { label: string; p: Spawned }[], work: () => Promise<T>) => {
    if (!options.profile) return work();
    const dir = options.profile;
    fs.mkdirSync(dir, { recursive: true });
    const before = await Promise.all(procs.map(({ p }) => p.call<CpuReading>('cpu')));
    for (const { p } of procs) await p.call('profileStart');
    const out = await work();
    const after = await Promise.all(procs.map(({ p }) => p.call<CpuReading>('cpu')));
    for (const [i, { label, p }] of procs.entries()) {
      const file = await p.call<string>('profileStop', { file: path.join(dir, `${label}-${name}.cpuprofile`) });
      const busy = (after[i]!.cpuMs - before[i]!.cpuMs) / (after[i]!.wallMs - before[i]!.wallMs);
      log(`${name}: ${label} ${Math.round(busy * 100)} % of a core over the stage (profiled); ${file}`);
    }
    return out;
  };
  log(
    `machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, load ${results.machine.loadAverageAtStart}`,
  );

  // ---- the terminal page (built first: the hub serves what exists at start-up)
  if (options.browser) {
    log('building the web apps (node scripts/build-web.mjs)…');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-'));
  let hub: Spawned | null = null;
  let fleet: Spawned | null = null;
  let baseline: Spawned | null = null;
  try {
    log(`preparing ${maxN} households, ${sizes.shops} shops, ${sizes.operators} operators in ${dataDir}…`);
    const prepared = await prepareDatabase(dataDir, {
      households: maxN,
      shops: sizes.shops,
      operators: sizes.operators,
      viaApi: sizes.viaApi,
    });
    log(`prepared; ${prepared.preEnrolled.length} terminals enrolled through the terminals service`);

    // The raw-disk baseline for check-ins first, on the hub's core, before anything else runs there.
    baseline = await startBaseline('sqlite', hubCore);
    const raw = await baseline.call<NonNullable<BenchResults['checkins']>['baseline']>('run', {
      durationMs: sizes.checkinMs,
      households: 1000,
    });
    log(`raw better-sqlite3, one commit per check-in: ${raw.perSecond}/s, p99 ${raw.latency.p99} ms`);
    await stopProcess(baseline);
    baseline = null;

    const startHub = (port = 0) =>
      // The demo city's JMA areas, so an EEW for 東京都多摩東部 is announced to every terminal.
      startHubProcess(hubCore, dataDir, { port, env: { TSUNAGU_JMA_AREAS: JMA_CITIES.mitaka } });
    hub = await startHub();
    const hubUrl = `http://127.0.0.1:${hub.port}`;
    log(`hub pid ${hub.pid} on core ${hubCore} at ${hubUrl}`);
    fleet = await startFleetProcess(fleetCore);
    log(`fleet pid ${fleet.pid} on core ${fleetCore}`);
    const both = () => [
      { label: 'hub', p: hub! },
      { label: 'fleet', p: fleet! },
    ];
    // WebSocket from the start: the terminal's default handshake (long-polling, then upgrade) is
    // several HTTP requests per terminal and, from one Node process, ~6× slower to open — ten
    // thousand of them would not fit the ten minutes. Tests and `npm run sim` use the default.
    await fleet.call('init', { hub: hubUrl, heartbeatMs: 30_000, transports: ['websocket'] });

    results.memory.hubBeforeEnrollment = await hub.call<MemoryReading>('memory');

    log(`enrolling ${prepared.codes.length} terminals through POST /api/terminals/enroll…`);
    const e = await fleet.call<{ enrolled: number; ms: number }>('enroll', { codes: prepared.codes });
    results.enrollment = { terminals: e.enrolled, ms: Math.round(e.ms) };
    log(`enrolled ${e.enrolled} in ${Math.round(e.ms)} ms (${Math.round((e.enrolled / e.ms) * 1000)}/s)`);
    await fleet.call('adopt', { identities: prepared.preEnrolled });
    // The 0 point of memory per idle terminal: enrolled, none connected (as in `--only memory`).
    results.memory.hub.push({ n: 0, reading: await hub.call<MemoryReading>('memory') });
    results.notes.push(
      `${e.enrolled} terminals were enrolled by the fleet through POST /api/terminals/enroll (each from its own loopback address) in ${(e.ms / 1000).toFixed(1)} s; the other ${prepared.preEnrolled.length} were enrolled before the hub started, with the same terminals service in one transaction, to keep the bench under ten minutes.`,
    );

    // ---- 1 and 2: fan-out and memory at each N
    for (const n of sizes.fanout) {
      const c = await fleet.call<{ ms: number; connected: number; failed: number; firstFailures: string[] }>(
        'connect',
        { count: n, concurrency: 250 },
      );
      results.connect.push({ n, ms: Math.round(c.ms), failed: c.failed });
      log(`${c.connected} connected (${c.failed} failed) in ${Math.round(c.ms)} ms ${c.firstFailures.join('; ')}`);
      await new Promise((r) => setTimeout(r, 2000));
      const reading = await hub.call<MemoryReading>('memory');
      results.memory.hub.push({ n: c.connected, reading });
      log(`hub memory at ${c.connected}: rss ${mb(reading.rss)}, heap ${mb(reading.heapUsed)}`);
      const f = await stage(`fanout-${n}`, both(), () =>
        fleet!.call<FanoutResult>('fanout', { apiKey: prepared.apiKey }),
      );
      log(
        `fan-out ${n}: p50 ${f.receive.p50} p99 ${f.receive.p99} max ${f.receive.max} ms; all stored ${Math.round(f.allStoredMs)} ms; missing ${f.missing}; the fleet's own GC over it: ${f.fleetGc.pauses} pauses, ${f.fleetGc.totalMs} ms, longest ${f.fleetGc.longestMs} ms`,
      );
      if (n === sizes.fanout.at(-1))
        results.notes.push(
          `The fleet process's own GC from the publish to the last of ${n} terminals receiving it: ${f.fleetGc.pauses} pauses, ${f.fleetGc.totalMs} ms in all, the longest ${f.fleetGc.longestMs} ms (a pause holds every virtual terminal in that process).`,
        );
      results.fanout.push({
        n,
        hub: f,
        baseline: { publishMs: Number.NaN, receive: f.receive, received: 0, complete: false },
      });
    }

    // ---- 1c: the hub's voice: synthesis of a 200-character alert (in this process, the hub's
    // engine), then its fan-out to every terminal, each fetching the clip after the text, as the terminal does.
    const synthesis = await measureSynthesis();
    log(
      `speech: 200-character alert → clip in p50 ${Math.round(synthesis.synthesis.p50)} ms (max ${Math.round(synthesis.synthesis.max)}), ${synthesis.clipBytes} bytes for ${(synthesis.clipDurationMs / 1000).toFixed(1)} s of speech${synthesis.missing.length ? `; missing ${synthesis.missing.join(', ')}` : ''}`,
    );
    const speechFanout = await fleet.call<SpeechFanoutResult>('speechFanout', {
      apiKey: prepared.apiKey,
      hub: hubUrl,
      label: `${sizes.fanout.at(-1)}`,
      timeoutMs: 60_000,
    });
    results.speech = { synthesis, fanout: speechFanout };
    log(
      `speech fan-out → ${speechFanout.fanout.terminals}: text p99 ${speechFanout.fanout.receive.p99} ms; clip (${speechFanout.clipBytes} bytes) fetched by ${speechFanout.fetched} (failed ${speechFanout.failed}), last ${Math.round(speechFanout.allFetchedMs)} ms; listening first took ${Math.round(speechFanout.previewMs)} ms`,
    );

    // ---- 1b: an automatic alert: an EEW as JMA XML → every terminal (no person in between)
    const jma = await fleet.call<FanoutResult>('jmaFanout', { apiKey: prepared.apiKey, xml: eewForMitaka(Date.now()) });
    results.jma = jma;
    log(
      `JMA EEW → ${jma.terminals}: POST answered ${Math.round(jma.publishMs)} ms; p50 ${jma.receive.p50} p99 ${jma.receive.p99} max ${jma.receive.max} ms; missing ${jma.missing}`,
    );

    // ---- 4: check-ins through the socket path, once the hub has made the EEW's voice (its speech
    // programs run on the hub's core: a stage of its own, not the first second of this one)
    const voiceMs = await childrenDone(hub.pid);
    log(`the EEW's voice made (waited ${Math.round(voiceMs)} ms)`);
    log(`check-ins: ${sizes.checkinConcurrency} terminals in a closed loop for ${sizes.checkinMs} ms (saturation)…`);
    const saturation = await stage('checkins-saturated', both(), () =>
      fleet!.call<CheckinLoadResult>('checkins', {
        concurrency: sizes.checkinConcurrency,
        durationMs: sizes.checkinMs,
      }),
    );
    log(
      `check-ins saturated: ${saturation.perSecond}/s, p99 ${saturation.latency.p99} ms, failed ${saturation.failed}`,
    );
    const rate = Math.max(1, raw.perSecond);
    log(`check-ins: ${rate}/s arriving (the raw rate) for ${sizes.checkinMs} ms…`);
    const checkins = await stage('checkins-rate', both(), () =>
      fleet!.call<CheckinLoadResult>('checkinsAtRate', { perSecond: rate, durationMs: sizes.checkinMs }),
    );
    log(
      `check-ins at the raw rate: ${checkins.perSecond}/s done, p99 ${checkins.latency.p99} ms, failed ${checkins.failed}${slowWindowNote(checkins)}`,
    );
    results.checkins = { hub: checkins, saturation, baseline: raw };

    // ---- 6: terminal start (against the hub with the fleet still connected)
    if (options.browser) {
      const enrolled = await requestJson<{ credential: string }>(hubUrl, '/api/terminals/enroll', {
        body: { code: prepared.browserCode, deviceName: 'bench browser' },
      });
      const { credential } = expectStatus(enrolled, [200], 'enrolling the browser terminal');
      log('terminal start in Chromium…');
      const start = await terminalStart(hubUrl, credential, options.quick ? 3 : 5);
      results.terminalStart = { start, bundle: terminalBundleSize(TERMINAL_WEB_DIR) };
      log(
        `terminal start p50 ${start.toInteractive.p50} ms (blank page ${start.blankPage.p50} ms); JS ${kb(results.terminalStart.bundle.gzipBytes)} gzipped`,
      );
    }

    // ---- 3: call routing (last on the hub: an overloaded router must not disturb the other figures)
    const calls = await stage('calls', both(), () => runCallLoad(fleet!, prepared, sizes, log));
    log(
      `calls: ${calls.rang}/${calls.callers} rang; request → ring p50 ${calls.requestToRing.p50} p99 ${calls.requestToRing.p99} ms`,
    );

    await fleet.call('disconnect', {});

    // ---- 1 (judged): the same fan-outs to protocol-level receivers (sim/thin.ts), which do per
    // message what the bare-ws baseline's clients do, so the two servers are compared like for like.
    for (const row of results.fanout) {
      const c = await fleet.call<{ connected: number; failed: number; firstFailures: string[] }>('thinConnect', {
        hub: hubUrl,
        count: row.n,
      });
      log(`${c.connected} protocol-level receivers connected (${c.failed} failed) ${c.firstFailures.join('; ')}`);
      await new Promise((r) => setTimeout(r, 2000));
      const t = await stage(`fanout-thin-${row.n}`, both(), () =>
        fleet!.call<FanoutResult>('thinFanout', { apiKey: prepared.apiKey }),
      );
      row.thin = t;
      log(
        `fan-out ${row.n} to protocol-level receivers: p50 ${t.receive.p50} p99 ${t.receive.p99} max ${t.receive.max} ms; all stored ${Math.round(t.allStoredMs)} ms; missing ${t.missing}`,
      );
    }
    await fleet.call('thinClose');
    await stopProcess(hub);
    hub = null;

    // ---- baselines, same processes' cores, same fleet process
    baseline = await startBaseline('ws', hubCore);
    const wsUrl = `ws://127.0.0.1:${baseline.port}`;
    results.memory.ws.push({ n: 0, reading: await baseline.call<MemoryReading>('memory') });
    for (const row of results.fanout) {
      await fleet.call('wsConnect', { url: wsUrl, count: row.n });
      await new Promise((r) => setTimeout(r, 1000));
      results.memory.ws.push({ n: row.n, reading: await baseline.call<MemoryReading>('memory') });
      const b = await fleet.call<BaselineFanout>('wsFanout', { url: wsUrl });
      row.baseline = b;
      log(`ws baseline ${row.n}: p50 ${b.receive.p50} p99 ${b.receive.p99} max ${b.receive.max} ms`);
    }
    await fleet.call('wsClose');
    await stopProcess(baseline);

    baseline = await startBaseline('sio', hubCore);
    const sioUrl = `http://127.0.0.1:${baseline.port}`;
    results.memory.socketIo.push({ n: 0, reading: await baseline.call<MemoryReading>('memory') });
    for (const row of results.memory.hub.slice(1)) {
      await fleet.call('sioConnect', { url: sioUrl, count: row.n, transports: ['websocket'] });
      await new Promise((r) => setTimeout(r, 2000));
      results.memory.socketIo.push({ n: row.n, reading: await baseline.call<MemoryReading>('memory') });
      const fan = results.fanout.find((f) => f.n === row.n);
      if (fan) {
        fan.socketIo = await fleet.call<BaselineFanout>('sioFanout', { url: sioUrl });
        log(`plain Socket.IO fan-out ${row.n} to socket.io-client: p99 ${fan.socketIo.receive.p99} ms`);
      }
    }
    const relay = await fleet.call<{ rang: number; requestToRing: LatencySummary }>('sioRelay', {
      url: sioUrl,
      operators: sizes.operators,
      callers: sizes.callers,
      overMs: sizes.callsOverMs,
    });
    results.calls = { hub: calls, baseline: relay };
    log(`socket.io relay baseline: p99 ${relay.requestToRing.p99} ms`);
    await fleet.call('sioClose');
    await stopProcess(baseline);

    const perTerminal = (rows: { n: number; reading: MemoryReading }[]) => ({
      rss: slope(rows.map((r) => ({ x: r.n, y: r.reading.rss }))),
      heap: slope(rows.map((r) => ({ x: r.n, y: r.reading.heapUsed }))),
    });
    results.memory.hubPerTerminal = perTerminal(results.memory.hub);
    const before = results.memory.hubBeforeEnrollment;
    if (before) {
      const fromBefore = perTerminal([{ n: 0, reading: before }, ...results.memory.hub.slice(1)]);
      results.memory.hubPerTerminalFromBeforeEnrollment = fromBefore;
      results.notes.push(
        `Hub memory per idle terminal with the 0 point read before the fleet's ${results.enrollment?.terminals ?? 0} enrollments through HTTP (as before session 15): RSS ${(fromBefore.rss / 1024).toFixed(1)} KB, heap ${(fromBefore.heap / 1024).toFixed(1)} KB; read after them: RSS ${(results.memory.hubPerTerminal.rss / 1024).toFixed(1)} KB, heap ${(results.memory.hubPerTerminal.heap / 1024).toFixed(1)} KB.`,
      );
    }
    results.memory.socketIoPerTerminal = perTerminal(results.memory.socketIo);
    results.memory.wsPerTerminal = perTerminal(results.memory.ws);
  } finally {
    await stopProcess(hub);
    await stopProcess(baseline);
    await stopProcess(fleet);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // ---- 5: reconnect storm, on its own hub and fleet processes once the rest has stopped, as
  // `--only storm` runs it (terminals over processes of at most 5,000: one process of 10,000 was
  // the fleet's limit, not the hub's).
  log(`reconnect storm at ${sizes.storm} terminals…`);
  const storm = await runStormBench({ terminals: sizes.storm, out: path.join(ROOT, 'data/bench'), profile: null });
  results.storm = {
    terminals: storm.terminals,
    hubDownMs: storm.hubBackMs,
    hubStartMs: 0,
    result: storm,
    peakCpuPercent: storm.peakCpuPercent,
    peakRssBytes: storm.peakRssBytes,
  };

  results.finishedAt = new Date().toISOString();
  const elapsedS = (performance.now() - started) / 1000;
  results.notes.push(`The whole bench took ${elapsedS.toFixed(0)} s.`);
  const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').trim() : '';
  if (load) results.notes.push(`Load average at the end: ${load}.`);
  console.log(`\n${renderTable(results)}\n`);
  const official = !options.quick && options.terminals === null && options.profile === null;
  const out = options.out ?? path.join(ROOT, official ? 'docs' : 'data/bench');
  fs.mkdirSync(out, { recursive: true });
  const suffix = official
    ? ''
    : options.quick
      ? '-quick'
      : options.terminals === null
        ? '-profiled'
        : `-${options.terminals}`;
  fs.writeFileSync(path.join(out, `benchmarks${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
  if (official) {
    const page = path.join(out, 'benchmarks.md');
    fs.writeFileSync(page, renderMarkdown(results, fs.existsSync(page) ? fs.readFileSync(page, 'utf8') : undefined));
  }
  console.log(
    `wrote ${path.join(out, `benchmarks${suffix}.json`)}${options.quick ? '' : ` and ${path.join(out, 'benchmarks.md')}`}`,
  );
  process.exit(0);
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

// Run as the bench (routing.ts imports the sizes and the machine from here without running it).
if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
