/**
 * One queue's callers in order of arrival, with each caller's place found in O(log n): callers sit
 * in arrival slots, and a Fenwick tree over the slots counts those still waiting before a slot. A
 * caller leaving empties its slot (O(log n)) instead of moving everyone behind it; empty slots are
 * swept out once they outnumber the waiting. The queue also remembers the first slot whose place
 * may have changed since it was last asked, so only the callers from there on are told again.
 */
export interface Arrival {
  enqueuedAt: number;
}

export class ArrivalQueue<T extends Arrival> {
  private slots: (T | null)[] = [];
  /** 1-based Fenwick tree over `slots` (1 for a waiting caller, 0 for an empty slot), `capacity` long. */
  private tree: number[] = [0];
  private capacity = 0;
  private readonly slotOf = new Map<T, number>();
  /** Latest arrival time appended: a caller arriving at or after it goes last without a search. */
  private lastAt = -Infinity;
  private changedFrom = Number.POSITIVE_INFINITY;

  get length(): number {
    return this.slotOf.size;
  }

  has(entry: T): boolean {
    return this.slotOf.has(entry);
  }

  /** Stable by arrival time: a restored callback goes back to where it was. */
  insert(entry: T): void {
    if (entry.enqueuedAt >= this.lastAt) {
      this.lastAt = entry.enqueuedAt;
      const slot = this.slots.length;
      if (slot >= this.capacity) this.rebuild([...this.entries(), entry]);
      else {
        this.slots.push(entry);
        this.slotOf.set(entry, slot);
        this.add(slot, 1);
      }
      this.touch(this.slotOf.get(entry)!);
      return;
    }
    const all = [...this.entries()];
    let i = all.length;
    while (i > 0 && all[i - 1]!.enqueuedAt > entry.enqueuedAt) i--;
    all.splice(i, 0, entry);
    this.rebuild(all);
    this.touch(i);
  }

  remove(entry: T): boolean {
    const slot = this.slotOf.get(entry);
    if (slot === undefined) return false;
    this.slots[slot] = null;
    this.slotOf.delete(entry);
    this.add(slot, -1);
    this.touch(slot);
    if (this.slots.length > 64 && this.slots.length > 2 * this.slotOf.size) this.rebuild([...this.entries()]);
    return true;
  }

  /** 1 for the first caller; 0 when not queued. */
  place(entry: T): number {
    const slot = this.slotOf.get(entry);
    return slot === undefined ? 0 : this.prefix(slot);
  }

  /** The entry changed (e.g. asked for a callback): it is told again. */
  changed(entry: T): void {
    const slot = this.slotOf.get(entry);
    if (slot !== undefined) this.touch(slot);
  }

  /** Every waiting caller, first come first. */
  *entries(): IterableIterator<T> {
    for (const e of this.slots) if (e !== null) yield e;
  }

  /**
   * The callers whose place may have changed since the last call (all of them with `all`), each
   * with its place, first come first; then forgets the changes.
   */
  takeChanged(all: boolean): { entry: T; place: number }[] {
    const from = all ? 0 : this.changedFrom;
    this.changedFrom = Number.POSITIVE_INFINITY;
    const out: { entry: T; place: number }[] = [];
    if (from >= this.slots.length) return out;
    let place = this.prefix(from) - (this.slots[from] ? 1 : 0);
    for (let i = from; i < this.slots.length; i++) {
      const e = this.slots[i];
      if (e) out.push({ entry: e, place: ++place });
    }
    return out;
  }

  private touch(slot: number): void {
    if (slot < this.changedFrom) this.changedFrom = slot;
  }

  /** Slots 0..slot (inclusive) still waiting. */
  private prefix(slot: number): number {
    let sum = 0;
    for (let i = slot + 1; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  private add(slot: number, delta: number): void {
    for (let i = slot + 1; i <= this.capacity; i += i & -i) this.tree[i]! += delta;
  }

  /** New slots for `all` in order, room to grow, and the tree built in O(n). */
  private rebuild(all: T[]): void {
    // A pending change is kept from the first caller at or behind it (slots move).
    let firstChanged: T | null = null;
    for (let i = this.changedFrom; i < this.slots.length && !firstChanged; i++) firstChanged = this.slots[i] ?? null;
    this.capacity = Math.max(16, 2 * all.length);
    this.slots = all;
    this.slotOf.clear();
    this.tree = new Array<number>(this.capacity + 1).fill(0);
    all.forEach((e, slot) => {
      this.slotOf.set(e, slot);
      this.tree[slot + 1] = 1;
    });
    for (let i = 1; i <= this.capacity; i++) {
      const j = i + (i & -i);
      if (j <= this.capacity) this.tree[j]! += this.tree[i]!;
    }
    const kept = firstChanged ? this.slotOf.get(firstChanged) : undefined;
    if (kept !== undefined) this.changedFrom = kept;
    else if (this.changedFrom !== Number.POSITIVE_INFINITY) this.changedFrom = all.length;
  }
}
