import type { MemoryReading } from './ipc';
import { clusterSlopes, planFleets, stepCounts } from './nodes-plan';

const reading = (rss: number, heapUsed: number): MemoryReading => ({ rss, heapUsed, external: 0, arrayBuffers: 0 });

describe('planFleets', () => {
  it('gives each hub half of 10,000 in one fleet process of 5,000', () => {
    expect(planFleets(10_000, 2, 5000)).toEqual([
      { hub: 0, from: 0, to: 5000 },
      { hub: 1, from: 5000, to: 10_000 },
    ]);
  });

  it("splits one hub's 10,000 over two fleet processes", () => {
    expect(planFleets(10_000, 1, 5000)).toEqual([
      { hub: 0, from: 0, to: 5000 },
      { hub: 0, from: 5000, to: 10_000 },
    ]);
  });

  it('covers every terminal once when the numbers do not divide', () => {
    const slices = planFleets(12_001, 2, 5000);
    expect(slices.map((s) => [s.hub, s.to - s.from])).toEqual([
      [0, 5000],
      [0, 1001],
      [1, 5000],
      [1, 1000],
    ]);
    expect(slices.map((s) => s.from)).toEqual([0, 5000, 6001, 11_001]);
  });

  it('refuses no hub', () => {
    expect(() => planFleets(10, 0, 5000)).toThrow();
  });
});

describe('stepCounts', () => {
  it('connects the same number on each hub at each step', () => {
    const slices = planFleets(10_000, 2, 5000);
    expect(stepCounts(slices, 1000)).toEqual([500, 500]);
    expect(stepCounts(slices, 10_000)).toEqual([5000, 5000]);
  });

  it("fills one hub's fleet processes one after the other", () => {
    const slices = planFleets(10_000, 1, 5000);
    expect(stepCounts(slices, 1000)).toEqual([1000, 0]);
    expect(stepCounts(slices, 7000)).toEqual([5000, 2000]);
  });

  it('never asks for more than a hub holds, giving the rest to the others', () => {
    const slices = [
      { hub: 0, from: 0, to: 10 },
      { hub: 1, from: 10, to: 100 },
    ];
    expect(stepCounts(slices, 60)).toEqual([10, 50]);
    expect(stepCounts(slices, 1000)).toEqual([10, 90]);
  });
});

describe('clusterSlopes', () => {
  it('gives the sum per terminal over all terminals and each hub per its own terminals', () => {
    // Hub 0 costs 10 bytes a terminal on 100 of base, hub 1 20 bytes on 200.
    const steps = [0, 500, 2500, 5000].map((each) => ({
      terminals: [each, each],
      readings: [reading(100 + 10 * each, 50 + 4 * each), reading(200 + 20 * each, 60 + 6 * each)],
    }));
    const s = clusterSlopes(steps);
    expect(s.perHub[0]!.rss).toBeCloseTo(10);
    expect(s.perHub[1]!.rss).toBeCloseTo(20);
    expect(s.perHub[0]!.heap).toBeCloseTo(4);
    expect(s.perHub[1]!.heap).toBeCloseTo(6);
    // 30 bytes for every two terminals.
    expect(s.sum.rss).toBeCloseTo(15);
    expect(s.sum.heap).toBeCloseTo(5);
  });

  it("is one hub's own slope with one hub", () => {
    const steps = [0, 1000, 5000].map((n) => ({ terminals: [n], readings: [reading(1000 + 3 * n, 7 * n)] }));
    const s = clusterSlopes(steps);
    expect(s.sum).toEqual(s.perHub[0]);
    expect(s.sum.rss).toBeCloseTo(3);
  });
});
