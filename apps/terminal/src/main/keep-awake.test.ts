import { createKeepAwake } from './keep-awake';

function fakeBlocker() {
  const started = new Set<number>();
  let next = 1;
  return {
    started,
    start: jest.fn((_type: string) => {
      const id = next++;
      started.add(id);
      return id;
    }),
    stop: jest.fn((id: number) => started.delete(id)),
    isStarted: (id: number) => started.has(id),
  };
}

describe('keep-awake', () => {
  it('prevents display sleep during a call and stops afterwards', () => {
    const blocker = fakeBlocker();
    const keepAwake = createKeepAwake(blocker);
    keepAwake.set('call', true);
    expect(blocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(blocker.started.size).toBe(1);
    keepAwake.set('call', false);
    expect(blocker.started.size).toBe(0);
    expect(keepAwake.active).toBe(false);
  });

  it('stays on while any reason is active, with a single blocker', () => {
    const blocker = fakeBlocker();
    const keepAwake = createKeepAwake(blocker);
    keepAwake.set('call', true);
    keepAwake.set('alert', true);
    keepAwake.set('call', true);
    expect(blocker.start).toHaveBeenCalledTimes(1);
    keepAwake.set('call', false);
    expect(blocker.started.size).toBe(1);
    keepAwake.set('alert', false);
    expect(blocker.started.size).toBe(0);
  });

  it('ignores an "off" it never saw and releases everything after a crash', () => {
    const blocker = fakeBlocker();
    const keepAwake = createKeepAwake(blocker);
    keepAwake.set('alert', false);
    expect(blocker.stop).not.toHaveBeenCalled();
    keepAwake.set('alert', true);
    keepAwake.set('call', true);
    keepAwake.releaseAll();
    expect(blocker.started.size).toBe(0);
  });
});
