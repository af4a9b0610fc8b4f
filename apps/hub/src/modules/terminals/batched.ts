/**
 * Writes that terminals cause by the thousand in a reconnect storm (presence, what they report on
 * connecting), gathered over one turn of the event loop and stored as one unit of work, the newest per
 * terminal: with synchronous=FULL every commit is a disk flush, and ten thousand of them in a row
 * would hold the storm up. A batch waits for the one before it (on PostgreSQL two batches on two
 * connections could otherwise commit out of order and leave the older value). These writes are not
 * messages a terminal must not miss: they are the first to stop when disk space runs low, and the
 * next connect or heartbeat stores them again.
 */
import type { HubContext } from '../../context';

export function batchedWrites<T>(
  ctx: Pick<HubContext, 'storage' | 'log'>,
  what: string,
  terminalOf: (item: T) => number,
  write: (items: T[]) => Promise<void>,
  /** Items not stored (skipped for low disk space, or their batch failed). */
  unstored: (items: T[]) => void = () => {},
): (item: T) => void {
  const pending = new Map<number, T>();
  let scheduled = false;
  let previous: Promise<void> = Promise.resolve();
  const flush = () => {
    scheduled = false;
    const items = [...pending.values()];
    pending.clear();
    if (!ctx.storage.allowsNonEssential(what)) return unstored(items);
    previous = previous
      .then(() => write(items))
      .catch((err) => {
        if (!ctx.storage.reportFailure(err, what))
          ctx.log.warn({ err, terminals: items.length }, `could not store ${what}`);
        unstored(items);
      });
  };
  return (item) => {
    pending.set(terminalOf(item), item);
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };
}
