/**
 * `npm run bench -- --only disaster [--terminals N]`: the figures of issues 14 and 15 on their own —
 * the hub's voice (time to make the clip of a 200-character Japanese alert, its size), an
 * emergency with that voice fanned out to N terminals that each fetch the clip after the text (as the
 * terminal does: at a random moment 0.3–1.8 s after the text's arrival, checking its bytes), a
 * composed emergency (text), and an earthquake early warning as JMA XML POSTed to /api/jma with a
 * city-hall API key, as the gateway receives it. Each next to a baseline of the same run: bare `ws`
 * clients of a bare `ws` server, fetching the same clip bytes from a plain HTTP server.
 * The hub (and the baseline server in its turn) is pinned to core 0; the fleet is split over processes
 * of at most 5,000 terminals that may run on every core. Pinned to core 1 alone, the fleet used all of
 * it while the hub idled half the time, and the clip figure measured the simulated terminals, not
 * the hub. Each stretch reports the CPU time the server and each fleet process used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eewForMitaka, JMA_CITIES } from '@tsunagu/hub/testing/jma';
import type { Announcement, CreateAnnouncementBody } from '@tsunagu/protocol';
import { drillAnnouncement } from '../sim/fleet';
import { expectStatus, requestJson } from '../sim/http';
import { alert200, CLIP_FETCH_AFTER_MS, CLIP_FETCH_SPREAD_MS } from '../sim/speech';
import { warmSpeech } from '../sim/speech-preview';
import { type LatencySummary, summarise } from '../sim/stats';
import { epochNow, type Seen } from '../sim/watch';
import type { CpuReading } from './ipc';
import { benchLog, machine } from './machine';
import { prepareDatabase } from './prepare';
import { type Spawned, startBaseline, startFleetProcess, startHubProcess, stopProcess } from './proc';
import { writePart } from './section';
import { measureSynthesis, type SynthesisResult } from './speech';

const PER_FLEET = 5000;

export interface FanoutFigure {
  terminals: number;
  /** Publish (or POST) → the hub's answer. */
  answeredMs: number;
  receive: LatencySummary;
  received: number;
  /** Publish → the last `delivered` receipt acked as stored (hub only). */
  allStoredMs: number | null;
  /** Publish → each terminal holding the whole clip (when the clip is fetched). */
  clip: { fetch: LatencySummary; fetched: number; failed: number; allFetchedMs: number; bytes: number } | null;
  /**
   * CPU time the server (hub or baseline) and each fleet process used from publish to the last
   * terminal done, and that stretch's length: the figure is the server's only while the machine
   * has time to spare.
   */
  busy?: { wallMs: number; serverCpuMs: number; fleetCpuMs: number[] };
}

export interface DisasterResults {
  startedAt: string;
  finishedAt?: string;
  machine: ReturnType<typeof machine>;
  loadAverageAtEnd?: string;
  fleetProcesses: number;
  synthesis: SynthesisResult;
  /** City hall listening first (the preview makes and keeps the clip). */
  previewMs: number;
  /** A composed emergency, text only (what an automatic alert is compared with). */
  emergency: FanoutFigure;
  /** The 200-character alert with its clip, every terminal fetching the clip after the text. */
  speech: FanoutFigure;
  /** An EEW (JMA XML) POSTed to /api/jma → every terminal. */
  jma: FanoutFigure & { answer: unknown };
  baseline: { text: FanoutFigure; clip: FanoutFigure };
  notes: string[];
}

/** Publish → each terminal, from what each fleet process saw (wall-clock times). */
export function figure(startedAt: number, answeredAt: number, parts: Seen[]): FanoutFigure {
  const all = <K extends 'received' | 'stored' | 'fetched'>(k: K) =>
    parts.flatMap((p) => p[k]).map((t) => t - startedAt);
  const received = all('received');
  const stored = all('stored');
  const fetched = all('fetched');
  const failed = parts.reduce((s, p) => s + p.failed, 0);
  const watchedClip = fetched.length + failed > 0;
  return {
    terminals: parts.reduce((s, p) => s + p.terminals, 0),
    answeredMs: Math.round(answeredAt - startedAt),
    receive: summarise(received),
    received: received.length,
    allStoredMs: stored.length ? Math.round(Math.max(...stored)) : null,
    clip: watchedClip
      ? {
          fetch: summarise(fetched),
          fetched: fetched.length,
          failed,
          allFetchedMs: fetched.length ? Math.round(Math.max(...fetched)) : Number.NaN,
          bytes: Math.max(...parts.map((p) => p.clipBytes)),
        }
      : null,
  };
}

/** Runs `stretch` and adds the CPU time `server` and `fleets` used over it. */
async function withBusy(server: Spawned, fleets: Spawned[], stretch: () => Promise<FanoutFigure>) {
  const read = () => Promise.all([server, ...fleets].map((p) => p.call<CpuReading>('cpu')));
  const before = await read();
  const f = await stretch();
  const after = await read();
  const used = before.map((b, i) => Math.round(after[i]!.cpuMs - b.cpuMs));
  const busy = {
    wallMs: Math.round(after[0]!.wallMs - before[0]!.wallMs),
    serverCpuMs: used[0]!,
    fleetCpuMs: used.slice(1),
  };
  return { ...f, busy };
}
/** "hub 3.1 s CPU (62 % of a core), fleet 2.8 + 2.6 s over 5.0 s". */
const busyText = (b: FanoutFigure['busy'], server = 'hub') => {
  if (!b) return '';
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const share = Math.round((b.serverCpuMs / Math.max(1, b.wallMs)) * 100);
  return `CPU: ${server} ${s(b.serverCpuMs)} s (${share} % of a core), fleet ${b.fleetCpuMs.map(s).join(' + ')} s over ${s(b.wallMs)} s`;
};

export async function runDisasterBench(options: {
  terminals: number;
  out: string;
  official: boolean;
  profile: string | null;
}) {
  const n = options.terminals;
  const started = performance.now();
  const log = benchLog(started);
  const m = machine();
  const notes: string[] = [];
  log(`disaster part at ${n} terminals; machine: ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageAtStart}`);
  const hubCore = m.cores >= 2 ? 0 : null;

  // The voice first, before anything else runs (in this process, with the hub's engine).
  const synthesis = await measureSynthesis();
  for (const f of synthesis.failed) notes.push(`A synthesis run failed after ${f}.`);
  log(
    `synthesis of a ${synthesis.characters}-character alert: p50 ${Math.round(synthesis.synthesis.p50)} ms, max ${Math.round(synthesis.synthesis.max)} ms; clip ${synthesis.clipBytes} bytes for ${(synthesis.clipDurationMs / 1000).toFixed(1)} s${synthesis.missing.length ? `; missing ${synthesis.missing.join(', ')}` : ''}`,
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-disaster-'));
  let hub: Spawned | null = null;
  let baseline: Spawned | null = null;
  const fleets: Spawned[] = [];
  try {
    log(`preparing ${n} households with enrolled terminals in ${dataDir}…`);
    const prepared = await prepareDatabase(dataDir, { households: n, shops: 1, operators: 1, viaApi: 0 });
    hub = await startHubProcess(hubCore, dataDir, { env: { TSUNAGU_JMA_AREAS: JMA_CITIES.mitaka } });
    const hubUrl = `http://127.0.0.1:${hub.port}`;
    const slices: (typeof prepared.preEnrolled)[] = [];
    for (let i = 0; i < prepared.preEnrolled.length; i += PER_FLEET)
      slices.push(prepared.preEnrolled.slice(i, i + PER_FLEET));
    for (const [i, slice] of slices.entries()) {
      const f = await startFleetProcess(null, `fleet ${i + 1}`);
      fleets.push(f);
      await f.call('init', { hub: hubUrl, heartbeatMs: 30_000, transports: ['websocket'] });
      await f.call('adopt', { identities: slice });
    }
    const connected = await Promise.all(
      fleets.map((f) =>
        f.call<{ connected: number; failed: number; ms: number }>('connect', { concurrency: 250, timeoutMs: 60_000 }),
      ),
    );
    const total = connected.reduce((s, c) => s + c.connected, 0);
    log(`${total} terminals connected over ${fleets.length} fleet process(es) (hub pid ${hub.pid} on core ${hubCore})`);
    if (total < n) notes.push(`Only ${total} of ${n} terminals connected.`);
    await new Promise((r) => setTimeout(r, 2000));

    // Ten thousand clips over one loaded core can take minutes: wait for them rather than cut the figure.
    const collect = (id: number, timeoutMs = 60_000) =>
      Promise.all(fleets.map((f) => f.call<Seen>('collect', { id, timeoutMs })));
    const watch = (clip: boolean) => Promise.all(fleets.map((f) => f.call('watch', { hub: hubUrl, clip })));
    const publish = async (body: CreateAnnouncementBody) => {
      const t0 = epochNow();
      // A loaded machine may take long to store 10,000 targets: wait rather than fail the run.
      const res = await requestJson<Announcement>(hubUrl, '/api/announcements', {
        body,
        bearer: prepared.apiKey,
        timeoutMs: 120_000,
      });
      const t1 = epochNow();
      const a = expectStatus(res, [201], 'publishing');
      if (a.status !== 'published') throw new Error(`the announcement is "${a.status}", not published`);
      return { id: a.id, t0, t1 };
    };

    // ---- warm-up, not measured: the first announcement of a fresh hub process pays for its JIT
    // and first-use work (as it does once in a hub that has been running)
    await watch(false);
    const w = await publish(drillAnnouncement('warm-up'));
    await collect(w.id);

    // ---- a composed emergency, text only (the console made its clip while staff listened)
    const emergencyBody = alert200('text');
    await warmSpeech(hubUrl, prepared.apiKey, emergencyBody);
    await watch(false);
    const emergency = await withBusy(hub, fleets, async () => {
      const e = await publish(emergencyBody);
      return figure(e.t0, e.t1, await collect(e.id));
    });
    log(
      `composed emergency → ${emergency.received}: p50 ${emergency.receive.p50} p99 ${emergency.receive.p99} ms; ${busyText(emergency.busy)}`,
    );

    // ---- the same with its voice: every terminal fetches the clip after the text, as the terminal does
    const speechBody = alert200('voice');
    const preview = await warmSpeech(hubUrl, prepared.apiKey, speechBody);
    await watch(true);
    const profiled = options.profile ? [hub, fleets[0]!] : [];
    for (const p of profiled) await p.call('profileStart');
    let voiceId = 0;
    const speech = await withBusy(hub, fleets, async () => {
      const s = await publish(speechBody);
      voiceId = s.id;
      return figure(s.t0, s.t1, await collect(s.id, 300_000));
    });
    if (options.profile) {
      fs.mkdirSync(options.profile, { recursive: true });
      for (const [i, p] of profiled.entries()) {
        const file = await p.call('profileStop', {
          file: path.join(options.profile, `${i === 0 ? 'hub' : 'fleet-1'}-voice.cpuprofile`),
        });
        log(`CPU profile of the emergency with its voice: ${file}`);
      }
      notes.push(
        'The hub and the first fleet process were being CPU-profiled during the emergency with its voice (its figures carry that cost).',
      );
    }
    log(
      `emergency with its voice → ${speech.received}: text p99 ${speech.receive.p99} ms; clip (${speech.clip?.bytes} bytes) by ${speech.clip?.fetched} (failed ${speech.clip?.failed}), last ${speech.clip?.allFetchedMs} ms; ${busyText(speech.busy)}`,
    );

    // ---- an automatic alert: an EEW as JMA XML, POSTed with a city-hall API key
    await watch(false);
    const j0 = epochNow();
    const posted = await requestJson<{ announcementId: number }>(hubUrl, '/api/jma', {
      raw: { data: eewForMitaka(Date.now()), contentType: 'application/xml' },
      bearer: prepared.apiKey,
    });
    const j1 = epochNow();
    const answer = expectStatus(posted, [201], 'posting the JMA telegram');
    const jma = { ...figure(j0, j1, await collect(answer.announcementId)), answer };
    log(
      `JMA EEW → ${jma.received}: POST answered ${jma.answeredMs} ms; p50 ${jma.receive.p50} p99 ${jma.receive.p99} ms`,
    );

    // The clip's bytes, for the baseline's plain file.
    const clip = await fetch(`${hubUrl}/api/announcements/${voiceId}/speech?lang=ja`, {
      headers: { authorization: `Bearer ${prepared.apiKey}` },
    });
    const clipBytes = Buffer.from(await clip.arrayBuffer());
    await Promise.all(fleets.map((f) => f.call('disconnect', {})));
    await stopProcess(hub);
    hub = null;

    // ---- baseline: bare ws server and clients, the clip as a plain file from the same server
    baseline = await startBaseline('ws', hubCore);
    await baseline.call('setClip', { base64: clipBytes.toString('base64') });
    const wsUrl = `ws://127.0.0.1:${baseline.port}`;
    const httpUrl = `http://127.0.0.1:${baseline.port}`;
    await Promise.all(fleets.map((f, i) => f.call('wsConnect', { url: wsUrl, count: slices[i]!.length })));
    const payload = JSON.stringify({ ...speechBody, id: 1 });
    const broadcast = async (clipUrl: string | null) => {
      await Promise.all(fleets.map((f) => f.call('wsWatch', { clipUrl })));
      const t0 = epochNow();
      expectStatus(await requestJson(httpUrl, '/publish', { body: { payload } }), [200], 'baseline publish');
      const t1 = epochNow();
      return figure(t0, t1, await Promise.all(fleets.map((f) => f.call<Seen>('wsCollect', { timeoutMs: 300_000 }))));
    };
    const text = await withBusy(baseline, fleets, () => broadcast(null));
    if (options.profile) await fleets[0]!.call('profileStart');
    const withClip = await withBusy(baseline, fleets, () => broadcast(`${httpUrl}/clip`));
    if (options.profile)
      await fleets[0]!.call('profileStop', { file: path.join(options.profile, 'fleet-1-baseline.cpuprofile') });
    log(`baseline (bare ws): text p99 ${text.receive.p99} ms; ${busyText(text.busy, 'server')}`);
    log(
      `baseline with the clip: text p99 ${withClip.receive.p99} ms, last clip ${withClip.clip?.allFetchedMs} ms; ${busyText(withClip.busy, 'server')}`,
    );
    await Promise.all(fleets.map((f) => f.call('wsClose')));

    const results: DisasterResults = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      finishedAt: new Date().toISOString(),
      machine: m,
      loadAverageAtEnd: fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').trim() : '',
      fleetProcesses: fleets.length,
      synthesis,
      previewMs: Math.round(preview.ms),
      emergency,
      speech,
      jma,
      baseline: { text, clip: withClip },
      notes,
    };
    write(results, options);
  } finally {
    await stopProcess(hub);
    await stopProcess(baseline);
    for (const f of fleets) await stopProcess(f);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${Math.round(v)} ms`;
const lat = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}`;
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function disasterTable(r: DisasterResults): string {
  const n = r.speech.terminals;
  const syn = r.synthesis;
  const clip = r.speech.clip;
  const base = r.baseline.clip.clip;
  const rows: string[][] = [
    [
      `Synthesis of a ${syn.characters}-character Japanese alert (Open JTalk + Mei → Opus), p50 / max of ${syn.runs}`,
      `${ms(syn.synthesis.p50)} / ${ms(syn.synthesis.max)}`,
      syn.espeak ? `${ms(syn.espeak.ms.p50)} (espeak-ng to WAV, the device's own engine)` : '—',
      '—',
    ],
    [
      'Clip size (length of speech)',
      `${(syn.clipBytes / 1024).toFixed(1)} KB (${(syn.clipDurationMs / 1000).toFixed(1)} s)`,
      `${(syn.openJtalkWavBytes / 1024).toFixed(1)} KB (the same speech as 16-bit WAV)`,
      'tens of KB for 30 s',
    ],
    [
      `Composed emergency (text) → ${n}: publish → received p50 / p99 / max`,
      `${lat(r.emergency.receive)} (${r.emergency.received}/${n})`,
      `${lat(r.baseline.text.receive)} (bare ws)`,
      `p99 ≤ 1 s: ${met(r.emergency.receive.p99 <= 1000 && r.emergency.received === n)}`,
    ],
    [
      `Emergency with its voice → ${n}: publish → text received p50 / p99 / max`,
      `${lat(r.speech.receive)} (${r.speech.received}/${n})`,
      `${lat(r.baseline.clip.receive)} (bare ws)`,
      `p99 ≤ 1 s: ${met(r.speech.receive.p99 <= 1000 && r.speech.received === n)}`,
    ],
    [
      `… and the clip fetched (and checked) by every terminal after the text (${CLIP_FETCH_AFTER_MS / 1000}–${(CLIP_FETCH_AFTER_MS + CLIP_FETCH_SPREAD_MS) / 1000} s after it): publish → clip p50 / p99 / last`,
      clip
        ? `${ms(clip.fetch.p50)} / ${ms(clip.fetch.p99)} / ${ms(clip.allFetchedMs)} (${clip.fetched}/${n}, ${clip.failed} failed, ${(clip.bytes / 1024).toFixed(1)} KB each)`
        : '—',
      base
        ? `${ms(base.fetch.p50)} / ${ms(base.fetch.p99)} / ${ms(base.allFetchedMs)} (the same bytes, plain HTTP)`
        : '—',
      `all within 5 s: ${met(!!clip && clip.fetched === n && clip.allFetchedMs <= 5000)}`,
    ],
    [
      `JMA EEW (XML, POST /api/jma, API key) → ${n}: POST → received p50 / p99 / max`,
      `${lat(r.jma.receive)} (${r.jma.received}/${n}; answered in ${ms(r.jma.answeredMs)})`,
      `composed emergency ${ms(r.emergency.receive.p99)} p99; bare ws ${ms(r.baseline.text.receive.p99)} p99`,
      `p99 ≤ 1 s: ${met(r.jma.receive.p99 <= 1000 && r.jma.received === n)}`,
    ],
  ];
  const head = '| Figure | Hub | Baseline (same run) | Target |\n|---|---|---|---|';
  return [head, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function section(r: DisasterResults): string {
  return [
    '<!-- bench:disaster:start -->',
    `Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --only disaster\` (${r.speech.terminals} terminals over ${r.fleetProcesses} fleet processes).`,
    '',
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.node}; open-file limit ${r.machine.fileLimit}; **load average at start ${r.machine.loadAverageAtStart}, at the end ${r.loadAverageAtEnd}** (the machine was shared with other work).`,
    '',
    disasterTable(r),
    '',
    ...r.notes.map((n) => `- ${n}`),
    `- City hall's listen-before-sending (the preview that makes and keeps the clip) took ${ms(r.previewMs)} in this run.`,
    ...(
      [
        ['The composed emergency', r.emergency, 'hub'],
        ['The emergency with its voice', r.speech, 'hub'],
        ['The bare ws text', r.baseline.text, 'server'],
        ['The bare ws text with the clip', r.baseline.clip, 'server'],
      ] as const
    ).flatMap(([what, f, server]) => (f.busy ? [`- ${what}, publish → all done: ${busyText(f.busy, server)}.`] : [])),
    '<!-- bench:disaster:end -->',
  ].join('\n');
}

function write(r: DisasterResults, options: { terminals: number; out: string; official: boolean }) {
  writePart({ ...options, name: 'disaster', results: r, table: disasterTable(r), section: section(r) });
}
