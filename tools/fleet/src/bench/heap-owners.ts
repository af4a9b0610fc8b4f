/**
 * Who holds the hub's heap, from a V8 heap snapshot: each object's bytes go to its owner, found on
 * the dominator tree (the object that every path from the roots to it passes through):
 * - a per-connection object — the Socket.IO socket, its Client, the engine.io socket and transport,
 *   the `ws` WebSocket and its receiver/sender, the TCP socket, the upgrade request — and, one level
 *   down, the property it hangs from (`socket.io Socket.data` is our per-socket data);
 * - otherwise the nearest named collection that holds it (a property or closure variable with at
 *   least 64 KB behind it): `Adapter.rooms`, `Namespace.sockets`, a module's cache by its variable
 *   name. heap-diff.js subtracts two snapshots' owners and divides by the terminals between them.
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Bytes and objects per owner. */
export type Owners = Map<string, { bytes: number; count: number }>;

const SHARED_MIN_RETAINED = 64 * 1024;

/** The per-connection objects, told apart by what they hold (three classes are called "Socket"). */
function connectionLabel(cls: string, props: Set<string>): string | null {
  if (cls === 'Socket') {
    if (props.has('nsp')) return 'socket.io Socket';
    if (props.has('transport') && props.has('server')) return 'engine.io Socket';
    if (props.has('_handle') || props.has('_readableState')) return 'net.Socket (TCP)';
  }
  if (cls === 'Client' && props.has('conn')) return 'socket.io Client';
  if (cls === 'WebSocket') return props.has('_receiver') ? 'ws WebSocket' : 'engine.io WebSocket transport';
  if (cls === 'Receiver' || cls === 'Sender') return `ws ${cls}`;
  if (cls === 'IncomingMessage') return 'upgrade request (IncomingMessage)';
  if (cls === 'TCP') return 'TCP handle';
  return null;
}

export function ownersOf(file: string): Owners {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snap.snapshot;
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const W = nf.length;
  const EW = ef.length;
  const T = nf.indexOf('type');
  const NAME = nf.indexOf('name');
  const SIZE = nf.indexOf('self_size');
  const EC = nf.indexOf('edge_count');
  const ET = ef.indexOf('type');
  const EN = ef.indexOf('name_or_index');
  const TO = ef.indexOf('to_node');
  const { nodes, edges, strings } = snap;
  const count = nodes.length / W;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * W + EC]! * EW;
    firstEdge[i + 1] = e;
  }
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');
  const followed = (e: number) => edges[e + ET] !== weak && edges[e + ET] !== shortcut;
  const named = (e: number) => {
    const t = edgeTypes[edges[e + ET]!];
    return t === 'property' || t === 'context' || t === 'internal' ? strings[edges[e + EN]!] : undefined;
  };

  // Depth-first from the root: postorder numbers.
  const post = new Int32Array(count).fill(-1);
  const order: number[] = [];
  const seen = new Uint8Array(count);
  const stack: number[] = [0];
  const cursor = new Uint32Array(count);
  // The edge each object was first reached by (names a shared collection whose dominator does not hold it directly).
  const reachedBy = new Int32Array(count).fill(-1);
  const reachedFrom = new Int32Array(count).fill(-1);
  seen[0] = 1;
  for (let i = 0; i < count; i++) cursor[i] = firstEdge[i]!;
  while (stack.length) {
    const n = stack[stack.length - 1]!;
    let pushed = false;
    while (cursor[n]! < firstEdge[n + 1]!) {
      const e = cursor[n]!;
      cursor[n] = e + EW;
      if (!followed(e)) continue;
      const to = edges[e + TO]! / W;
      if (!seen[to]) {
        seen[to] = 1;
        reachedBy[to] = e;
        reachedFrom[to] = n;
        stack.push(to);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      post[n] = order.length;
      order.push(n);
    }
  }
  // Predecessors (reachable ones), for the dominator iteration.
  const predCount = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += EW) if (followed(e)) predCount[edges[e + TO]! / W]!++;
  }
  const predStart = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) predStart[i + 1] = predStart[i]! + predCount[i]!;
  const preds = new Uint32Array(predStart[count]!);
  const fill = predStart.slice(0, count);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += EW) if (followed(e)) preds[fill[edges[e + TO]! / W]!++] = n;
  }
  // Cooper, Harvey and Kennedy's iterative dominators, over postorder numbers.
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = order.length - 2; k >= 0; k--) {
      const n = order[k]!;
      let d = -1;
      for (let p = predStart[n]!; p < predStart[n + 1]!; p++) {
        const q = preds[p]!;
        if (idom[q] === -1) continue;
        d = d === -1 ? q : intersect(q, d);
      }
      if (d !== -1 && idom[n] !== d) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  // Retained sizes: children before their dominator (postorder).
  const retained = new Float64Array(count);
  for (const n of order) retained[n]! += nodes[n * W + SIZE]!;
  for (const n of order) if (n !== 0) retained[idom[n]!]! += retained[n]!;

  const className = (n: number) => {
    const t = nodeTypes[nodes[n * W + T]!];
    return t === 'object' || t === 'closure' || t === 'native' ? strings[nodes[n * W + NAME]!]! : `(${t})`;
  };
  const propsOf = (n: number) => {
    const s = new Set<string>();
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += EW) {
      const name = named(e);
      if (name !== undefined) s.add(name);
    }
    return s;
  };
  const edgeName = (from: number, to: number) => {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += EW)
      if (edges[e + TO]! / W === to) {
        const name = named(e);
        if (name !== undefined) return name;
      }
    return undefined;
  };

  // Labels from the root down (a dominator comes before what it dominates in reverse postorder).
  // level: 0 shared, 1 a per-connection object, 2 below one of its properties.
  const label: string[] = new Array(count);
  const level = new Uint8Array(count);
  label[0] = 'roots';
  for (let k = order.length - 2; k >= 0; k--) {
    const n = order[k]!;
    const d = idom[n]!;
    const cls = className(n);
    const own = cls === 'Socket' || cls === 'Client' || cls === 'WebSocket' ? connectionLabel(cls, propsOf(n)) : null;
    const simple = own ?? connectionLabel(cls, new Set());
    if (simple) {
      label[n] = simple;
      level[n] = 1;
    } else if (level[d] === 1) {
      const via = edgeName(d, n);
      label[n] = via ? `${label[d]}.${via}` : label[d]!;
      level[n] = 2;
    } else if (level[d] === 2) {
      label[n] = label[d]!;
      level[n] = 2;
    } else {
      // A Map's or Set's hash table, an object's elements: the collection's own label.
      let via = retained[n]! >= SHARED_MIN_RETAINED ? edgeName(d, n) : undefined;
      let holder = d;
      if (via === undefined && retained[n]! >= SHARED_MIN_RETAINED && reachedBy[n]! >= 0) {
        via = named(reachedBy[n]!);
        holder = reachedFrom[n]!;
      }
      const inner =
        via === undefined || /^\d+$/.test(via) || via === 'table' || via === 'elements' || via === 'properties';
      label[n] = inner ? label[d]! : `${className(holder)}.${via}`;
      // What the roots hold directly, by kind (per-terminal objects shared by several owners).
      if (label[n] === 'roots' && n !== 0) label[n] = `roots: ${className(n)}`;
    }
  }
  const out: Owners = new Map();
  for (const n of order) {
    const e = out.get(label[n]!) ?? { bytes: 0, count: 0 };
    e.bytes += nodes[n * W + SIZE]!;
    e.count++;
    out.set(label[n]!, e);
  }
  return out;
}
