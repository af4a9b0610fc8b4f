/**
 * `node tools/fleet/dist/bench/heap-diff.js A.heapsnapshot B.heapsnapshot TERMINALS`: where the hub's
 * heap per terminal goes — self size by kind of object (constructor or closure name, strings, arrays…)
 * in snapshot B minus snapshot A, divided by the terminals B holds more (the memory bench's `--heap`
 * writes both). Prints the largest 30, then the same bytes by owner (heap-owners.ts: the Socket.IO
 * socket and its properties, engine.io, ws, the rooms, our caches by variable name…).
 */
import fs from 'node:fs';
import { type Owners, ownersOf } from './heap-owners';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and count per kind: `type:name` (e.g. `object:Socket`, `closure:dispatch`, `string`). */
export function sizesByKind(file: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const named = type === 'object' || type === 'closure' || type === 'native' || type === 'hidden';
    const kind = named ? `${type}:${snap.strings[snap.nodes[i + nameAt]!]}` : type;
    const e = out.get(kind) ?? { bytes: 0, count: 0 };
    e.bytes += snap.nodes[i + sizeAt]!;
    e.count++;
    out.set(kind, e);
  }
  return out;
}

function main() {
  const [a, b, terminals] = process.argv.slice(2);
  const n = Number(terminals);
  if (!a || !b || !(n > 0)) {
    console.error('usage: heap-diff.js A.heapsnapshot B.heapsnapshot TERMINALS_MORE_IN_B');
    process.exit(2);
  }
  print('by kind of object', sizesByKind(a), sizesByKind(b), n, 30);
  print('by owner (dominator tree)', ownersOf(a), ownersOf(b), n, 40);
}

function print(title: string, before: Owners, after: Owners, n: number, top: number) {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  const rows = [...kinds].map((kind) => {
    const was = before.get(kind) ?? { bytes: 0, count: 0 };
    const is = after.get(kind) ?? { bytes: 0, count: 0 };
    return { kind, bytes: (is.bytes - was.bytes) / n, count: (is.count - was.count) / n };
  });
  rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`\n${title}: heap per terminal ${(total / 1024).toFixed(2)} KB (self sizes, ${n} terminals more in B)`);
  for (const r of rows.slice(0, top))
    console.log(`${r.bytes.toFixed(0).padStart(7)} B  ${r.count.toFixed(2).padStart(6)} per terminal  ${r.kind}`);
}

if (require.main === module) main();
