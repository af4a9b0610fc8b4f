import { createAlertVolume, parseWpctlVolume, type RunCommand } from './alert-volume';

function fakeWpctl(initial: { volume: number; muted: boolean }) {
  const state = { ...initial };
  const calls: string[] = [];
  const run: RunCommand = async (file, args) => {
    calls.push([file, ...args].join(' '));
    if (args[0] === 'get-volume') return `Volume: ${state.volume.toFixed(2)}${state.muted ? ' [MUTED]' : ''}\n`;
    if (args[0] === 'set-volume') state.volume = Number(args[2]);
    if (args[0] === 'set-mute') state.muted = args[2] === '1';
    return '';
  };
  return { state, calls, run };
}

describe('alert volume (wpctl)', () => {
  it('reads wpctl output', () => {
    expect(parseWpctlVolume('Volume: 0.40\n')).toEqual({ volume: 0.4, muted: false });
    expect(parseWpctlVolume('Volume: 0.15 [MUTED]')).toEqual({ volume: 0.15, muted: true });
    expect(parseWpctlVolume('nonsense')).toBeNull();
  });

  it("unmutes and raises to full for the alert, then restores the resident's setting", async () => {
    const wp = fakeWpctl({ volume: 0.3, muted: true });
    const volume = createAlertVolume({ run: wp.run });
    await volume.set(true);
    expect(wp.state).toEqual({ volume: 1, muted: false });
    expect(volume.raised).toBe(true);
    expect(wp.calls).toEqual([
      'wpctl get-volume @DEFAULT_AUDIO_SINK@',
      'wpctl set-mute @DEFAULT_AUDIO_SINK@ 0',
      'wpctl set-volume @DEFAULT_AUDIO_SINK@ 1.0',
    ]);
    // A second alert while raised does not overwrite the saved setting with 100%.
    await volume.set(true);
    await volume.set(false);
    expect(wp.state).toEqual({ volume: 0.3, muted: true });
    expect(volume.raised).toBe(false);
  });

  it('applies quick changes in order and survives a machine without PipeWire', async () => {
    const wp = fakeWpctl({ volume: 0.5, muted: false });
    const volume = createAlertVolume({ run: wp.run });
    void volume.set(true);
    void volume.set(false);
    await volume.set(true);
    expect(wp.state).toEqual({ volume: 1, muted: false });
    const log = jest.fn();
    const none = createAlertVolume({
      run: async () => {
        throw new Error('spawn wpctl ENOENT');
      },
      log,
    });
    await expect(none.set(true)).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledWith('alert volume: spawn wpctl ENOENT');
  });
});
