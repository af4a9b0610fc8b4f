/**
 * `npm run sim -- --hub URL --terminals N --api-key tsk_…`: a virtual terminal fleet against a
 * running hub, for demos and load tests. See docs/benchmarks.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs as parseOptions } from 'node:util';
import { Fleet } from './fleet';
import { loginCookie, provisionHouseholds } from './provision';
import type { TerminalIdentity, Transport } from './terminal';

const USAGE = `Virtual terminal fleet for the Tsunagu hub.

  npm run sim -- --hub http://127.0.0.1:8080 --terminals 200 --api-key tsk_...

Options
  --hub URL               hub base URL (default http://127.0.0.1:8080)
  --terminals N           terminals to connect (default 10)
  --api-key KEY           a city-hall API key (npm run admin -- api-key create ...); needed to
                          create households/enrollment codes for new terminals and to publish
  --state FILE            enrolled terminals are kept here and reused (default data/sim-terminals.json;
                          it holds device credentials: keep it private)
  --transport T           websocket | default (long-polling then upgrade, as the terminal does; default)
  --heartbeat-ms MS       terminal heartbeat period (default 30000, 0 = off)
  --announce              publish one drill announcement to all terminals and report the fan-out
  --checkins SECONDS      press 元気です in a closed loop for SECONDS and report the rate
  --checkin-concurrency N terminals pressing at once (default 100)
  --calls N               N terminals ask for a call, spread over --calls-over seconds (default 10)
  --shop ID               shop (or listening line) to call; repeatable
  --operator USER:PASS    a console user (operator/listener) who answers; repeatable
  --duration SECONDS      stay connected this long, then exit (default: until Ctrl-C if nothing else is asked)
  --json FILE             write the measurements as JSON
  --help
`;

interface Args {
  hub: string;
  terminals: number;
  apiKey: string | null;
  state: string;
  transports: Transport[] | undefined;
  heartbeatMs: number;
  announce: boolean;
  checkins: number;
  checkinConcurrency: number;
  calls: number;
  callsOver: number;
  shops: number[];
  operators: { username: string; password: string }[];
  duration: number | null;
  json: string | null;
}

const OPTIONS = {
  hub: { type: 'string', default: 'http://127.0.0.1:8080' },
  terminals: { type: 'string', default: '10' },
  'api-key': { type: 'string' },
  state: { type: 'string', default: 'data/sim-terminals.json' },
  transport: { type: 'string', default: 'default' },
  'heartbeat-ms': { type: 'string', default: '30000' },
  announce: { type: 'boolean', default: false },
  checkins: { type: 'string' },
  'checkin-concurrency': { type: 'string', default: '100' },
  calls: { type: 'string' },
  'calls-over': { type: 'string', default: '10' },
  shop: { type: 'string', multiple: true, default: [] as string[] },
  operator: { type: 'string', multiple: true, default: [] as string[] },
  duration: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

function readOptions(argv: string[]) {
  try {
    return parseOptions({ args: argv, options: OPTIONS }).values;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n\n${USAGE}`);
  }
}

export function parseArgs(argv: string[]): Args {
  const v = readOptions(argv);
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (flag: keyof typeof OPTIONS, text: string, min = 0) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} needs a number ≥ ${min} (got "${text}")`);
    return n;
  };
  if (v.transport !== 'websocket' && v.transport !== 'default') throw new Error('--transport is websocket or default');
  const operators = v.operator.map((pair) => {
    const at = pair.indexOf(':');
    if (at < 1) throw new Error('--operator is USER:PASSWORD');
    return { username: pair.slice(0, at), password: pair.slice(at + 1) };
  });
  const a: Args = {
    hub: v.hub.replace(/\/$/, ''),
    terminals: num('terminals', v.terminals, 1),
    apiKey: v['api-key'] ?? process.env.TSUNAGU_API_KEY ?? null,
    state: v.state,
    transports: v.transport === 'websocket' ? ['websocket'] : undefined,
    heartbeatMs: num('heartbeat-ms', v['heartbeat-ms']),
    announce: v.announce,
    checkins: v.checkins === undefined ? 0 : num('checkins', v.checkins, 1),
    checkinConcurrency: num('checkin-concurrency', v['checkin-concurrency'], 1),
    calls: v.calls === undefined ? 0 : num('calls', v.calls, 1),
    callsOver: num('calls-over', v['calls-over']),
    shops: v.shop.map((id) => num('shop', id, 1)),
    operators,
    duration: v.duration === undefined ? null : num('duration', v.duration),
    json: v.json ?? null,
  };
  try {
    new URL(a.hub);
  } catch {
    throw new Error(`--hub must be a URL such as http://127.0.0.1:8080 (got "${a.hub}")`);
  }
  if (a.calls > 0 && (a.shops.length === 0 || a.operators.length === 0))
    throw new Error('--calls needs at least one --shop and one --operator');
  return a;
}

interface StateFile {
  hub: string;
  terminals: TerminalIdentity[];
}

function loadState(file: string, hub: string): TerminalIdentity[] {
  if (!fs.existsSync(file)) return [];
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
  return s.hub === hub ? s.terminals : [];
}

function saveState(file: string, hub: string, terminals: TerminalIdentity[]) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ hub, terminals } satisfies StateFile), { mode: 0o600 });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`[sim ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const results: Record<string, unknown> = { hub: args.hub, terminals: args.terminals };
  const fleet = new Fleet({ hub: args.hub, transports: args.transports, heartbeatMs: args.heartbeatMs, log });

  let identities = loadState(args.state, args.hub);
  if (identities.length < args.terminals) {
    const missing = args.terminals - identities.length;
    if (!args.apiKey) {
      throw new Error(
        `${missing} more terminal(s) must be enrolled, which needs a city-hall API key: pass --api-key (create one with "npm run admin -- api-key create --name sim --role cityhall").`,
      );
    }
    log(`creating ${missing} household(s) and enrollment codes…`);
    const codes = await provisionHouseholds(args.hub, args.apiKey, missing);
    log(`enrolling ${missing} terminal(s) through /api/terminals/enroll…`);
    const t0 = Date.now();
    const enrolled = await fleet.enroll(codes, 16, identities.length);
    identities = [...identities, ...enrolled];
    saveState(args.state, args.hub, identities);
    log(`enrolled in ${Date.now() - t0} ms (credentials kept in ${args.state})`);
  }
  fleet.adopt(identities.slice(0, args.terminals));
  fleet.hooks = {
    announcement: (_t, a, _at, via) => {
      if (!args.announce) log(`announcement ${a.id} (${a.kind}) received ${via}`);
    },
  };

  const c = await fleet.connect();
  log(`${c.connected} of ${args.terminals} terminals connected in ${Math.round(c.ms)} ms`);
  for (const f of c.failed.slice(0, 5)) log(`  ${f}`);
  results.connect = c;

  if (args.announce) {
    if (!args.apiKey) throw new Error('--announce needs --api-key');
    const r = await fleet.fanout(args.apiKey);
    results.fanout = r;
    log(
      `fan-out to ${r.terminals}: receive p50 ${r.receive.p50} ms, p95 ${r.receive.p95}, p99 ${r.receive.p99}, max ${r.receive.max}; all receipts stored after ${Math.round(r.allStoredMs)} ms; missing ${r.missing}`,
    );
  }
  if (args.checkins > 0) {
    const r = await fleet.checkinLoad(args.checkinConcurrency, args.checkins * 1000);
    results.checkins = r;
    log(
      `check-ins: ${r.perSecond}/s over ${r.durationMs} ms (${r.ok} ok, ${r.failed} failed), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
    );
  }
  if (args.calls > 0) {
    const cookies = await Promise.all(args.operators.map((o) => loginCookie(args.hub, o.username, o.password)));
    const r = await fleet.callLoad({
      cookies,
      callers: args.calls,
      overMs: args.callsOver * 1000,
      shopIds: args.shops,
    });
    results.calls = r;
    log(
      `calls: ${r.rang} of ${r.callers} rang an operator; request → ring p50 ${r.requestToRing.p50} ms, p99 ${r.requestToRing.p99} ms`,
    );
  }
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);

  const didSomething = args.announce || args.checkins > 0 || args.calls > 0;
  if (args.duration !== null || !didSomething) {
    if (args.duration === null) log('connected; press Ctrl-C to stop');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      if (args.duration !== null) setTimeout(resolve, args.duration * 1000);
    });
  }
  fleet.close();
  log('stopped');
  process.exit(0);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
