/**
 * Values read once and kept in memory, the newest `limit` of them (a Map's order is insertion
 * order: the first is the oldest). Everyone asking for a key while it is being read waits for the
 * same read (ten thousand terminals asking for one clip at once read it once); a read that finds
 * nothing is not kept (it may be stored in a moment).
 */
export interface KeptReads<K, V> {
  /** Kept, or read (once for everyone asking meanwhile). */
  get(key: K): Promise<V | null>;
  /** Kept, or undefined (no read). */
  peek(key: K): V | undefined;
  keep(key: K, value: V): void;
  has(key: K): boolean;
  drop(key: K): void;
}

/** Sets `key` in `map` and forgets the oldest beyond `max`. */
export function keepBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}

export function keptReads<K, V>(limit: number, read: (key: K) => Promise<V | null>): KeptReads<K, V> {
  const kept = new Map<K, V>();
  const reading = new Map<K, Promise<V | null>>();
  const keep = (key: K, value: V) => keepBounded(kept, key, value, limit);
  return {
    get(key) {
      const found = kept.get(key);
      if (found !== undefined) return Promise.resolve(found);
      let p = reading.get(key);
      if (!p) {
        p = read(key)
          .then((value) => {
            if (value !== null) keep(key, value);
            return value;
          })
          .finally(() => reading.delete(key));
        reading.set(key, p);
      }
      return p;
    },
    peek: (key) => kept.get(key),
    keep,
    has: (key) => kept.has(key),
    drop: (key) => void kept.delete(key),
  };
}
