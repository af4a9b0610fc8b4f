import { ArrivalQueue } from './arrival-queue';

type E = { id: number; enqueuedAt: number };

/** A tiny deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >>> 8) % n;
  };
}

describe('ArrivalQueue', () => {
  it('keeps places equal to a plain sorted list through thousands of arrivals, departures and restores', () => {
    const rnd = random(17);
    const q = new ArrivalQueue<E>();
    const model: E[] = [];
    let now = 1000;
    let id = 0;
    for (let step = 0; step < 5000; step++) {
      const r = rnd(10);
      if (r < 5 || model.length === 0) {
        // Mostly new arrivals; now and then a restored callback from earlier.
        if (rnd(8) !== 0) now += rnd(3);
        const e = { id: ++id, enqueuedAt: rnd(8) === 0 ? rnd(now) : now };
        q.insert(e);
        let i = model.length;
        while (i > 0 && model[i - 1]!.enqueuedAt > e.enqueuedAt) i--;
        model.splice(i, 0, e);
      } else {
        // Mostly the front is answered; sometimes someone in the middle hangs up.
        const i = rnd(3) === 0 ? rnd(model.length) : 0;
        expect(q.remove(model[i]!)).toBe(true);
        model.splice(i, 1);
      }
      if (step % 97 === 0) {
        expect([...q.entries()]).toEqual(model);
        expect(model.map((e) => q.place(e))).toEqual(model.map((_, i) => i + 1));
      }
    }
    expect(q.length).toBe(model.length);
    expect([...q.entries()]).toEqual(model);
    expect(model.map((e) => q.place(e))).toEqual(model.map((_, i) => i + 1));
    const gone = { id: -1, enqueuedAt: 0 };
    expect(q.place(gone)).toBe(0);
    expect(q.remove(gone)).toBe(false);
  });

  it('reports only the callers behind a change, with their new places', () => {
    const q = new ArrivalQueue<E>();
    const e = Array.from({ length: 6 }, (_, i) => ({ id: i, enqueuedAt: i }));
    for (const x of e) q.insert(x);
    expect(q.takeChanged(false).map((c) => [c.entry.id, c.place])).toEqual(e.map((x, i) => [x.id, i + 1]));
    expect(q.takeChanged(false)).toEqual([]);

    // The fourth leaves: the fifth and sixth move up; those in front are not told again.
    q.remove(e[3]!);
    expect(q.takeChanged(false).map((c) => [c.entry.id, c.place])).toEqual([
      [4, 4],
      [5, 5],
    ]);
    // A new caller: only they are told.
    const late = { id: 9, enqueuedAt: 10 };
    q.insert(late);
    expect(q.takeChanged(false).map((c) => [c.entry.id, c.place])).toEqual([[9, 6]]);
    // One asks for a callback (same place): they and those behind are looked at again.
    q.changed(e[5]!);
    expect(q.takeChanged(false).map((c) => c.entry.id)).toEqual([5, 9]);
    // The last one leaves: nobody behind them to tell.
    q.remove(late);
    expect(q.takeChanged(false)).toEqual([]);
    // Everyone, when the estimates' basis changed.
    expect(q.takeChanged(true).map((c) => c.place)).toEqual([1, 2, 3, 4, 5]);
  });

  it('sweeps out emptied slots and keeps the pending change across the sweep', () => {
    const q = new ArrivalQueue<E>();
    const e = Array.from({ length: 300 }, (_, i) => ({ id: i, enqueuedAt: i }));
    for (const x of e) q.insert(x);
    q.takeChanged(false);
    // Answered from the front, far past the point where the empty slots are swept out.
    for (let i = 0; i < 250; i++) q.remove(e[i]!);
    const told = q.takeChanged(false);
    expect(told.map((c) => c.entry.id)).toEqual(e.slice(250).map((x) => x.id));
    expect(told.map((c) => c.place)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
