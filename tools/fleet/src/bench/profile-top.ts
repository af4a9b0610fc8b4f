/**
 * `node tools/fleet/dist/bench/profile-top.js FILE.cpuprofile [--top N]`: where a CPU profile's time
 * went — self time by function, inclusive time by function, and self time by where the code lives
 * (a package in node_modules, the hub's own modules, Node's internals, GC, idle). Reads what
 * `node --cpu-prof` and the bench's `--profile` write.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileTop {
  totalMs: number;
  self: { name: string; ms: number }[];
  inclusive: { name: string; ms: number }[];
  places: { name: string; ms: number }[];
}

function where(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /(apps|packages|tools)\/([^/]+)\/dist\/(?:modules\/)?([^/]+)/.exec(url);
  return m ? `${m[1]}/${m[2]}: ${m[3]!.replace(/\.js$/, '')}` : path.basename(url);
}

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  const file = f.url.replace(/^file:\/\//, '');
  const short = file.includes('node_modules/')
    ? file.slice(file.lastIndexOf('node_modules/') + 13)
    : file.replace(/^.*?\/(apps|packages|tools)\//, '$1/');
  return `${name} ${short}:${f.lineNumber + 1}`;
}

export function profileTop(profile: CpuProfile, top = 25): ProfileTop {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    total += us;
    add(self, label(n), us);
    const special = n.callFrame.functionName;
    add(
      places,
      special === '(idle)' || special === '(garbage collector)' || special === '(program)'
        ? special
        : where(n.callFrame.url),
      us,
    );
    // Each function once per sample's stack, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      add(inclusive, l, us);
    }
  }
  const list = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000) }));
  return {
    totalMs: Math.round(total / 1000),
    self: list(self, top),
    inclusive: list(inclusive, top),
    places: list(places, top),
  };
}

if (require.main === module) {
  const file = process.argv[2];
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 25;
  if (!file) {
    console.error('usage: node tools/fleet/dist/bench/profile-top.js FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const t = profileTop(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, top);
  const pct = (ms: number) => `${((ms / Math.max(1, t.totalMs)) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${t.totalMs} ms sampled\n`);
  for (const [title, rows] of [
    ['self time by place', t.places],
    ['self time by function', t.self],
    ['inclusive time by function', t.inclusive],
  ] as const) {
    console.log(`## ${title}`);
    for (const r of rows) console.log(`${String(r.ms).padStart(7)} ms ${pct(r.ms)}  ${r.name}`);
    console.log('');
  }
}
