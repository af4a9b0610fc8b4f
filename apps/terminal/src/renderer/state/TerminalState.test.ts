import 'fake-indexeddb/auto';
import { AnnouncementArchive } from '../features/announcements/archive';
import { ann } from '../features/announcements/test-fixtures';
import { createTerminalState } from './TerminalState';

const device = { setKeepAwake: () => undefined, setAlertVolume: () => undefined };

/** A kept copy that opens only when the test says so (IndexedDB on a busy device). */
function slowArchive(name: string) {
  let open!: () => Promise<void>;
  const archive = new Promise<AnnouncementArchive | null>((resolve) => {
    open = async () => resolve(await AnnouncementArchive.open(100, name));
  });
  return { archive, open };
}

describe('terminal state and its kept copy', () => {
  it('is usable before the kept copy opens, and shows what was kept once it has', async () => {
    const before = (await AnnouncementArchive.open(100, 'state-1'))!;
    await before.replace([ann(1), ann(2, { kind: 'emergency' })]);
    before.close();

    const slow = slowArchive('state-1');
    const state = createTerminalState({ storage: null, archive: slow.archive, hub: null, device });
    // Screens (the offline one first) need nothing from IndexedDB.
    expect(state.inbox.list()).toEqual([]);
    expect(state.inbox.pendingEmergency()).toBeNull();
    await slow.open();
    const kept = await state.archive;
    expect(kept).not.toBeNull();
    expect(state.inbox.list().map((a) => a.id)).toEqual([2, 1]);
    // The unacknowledged emergency from before the reload takes over again.
    expect(state.inbox.pendingEmergency()?.id).toBe(2);
    kept?.close();
  });

  it('does not bring back what the hub withdrew when the kept copy opens after the hub answered', async () => {
    const before = (await AnnouncementArchive.open(100, 'state-2'))!;
    await before.replace([ann(1), ann(2)]);
    before.close();

    const slow = slowArchive('state-2');
    const state = createTerminalState({ storage: null, archive: slow.archive, hub: null, device });
    state.inbox.applySync([ann(2)]);
    await slow.open();
    (await state.archive)?.close();
    expect(state.inbox.list().map((a) => a.id)).toEqual([2]);
  });

  it('works without a kept copy where IndexedDB cannot be opened', async () => {
    const state = createTerminalState({
      storage: null,
      archive: Promise.reject(new Error('blocked')),
      hub: null,
      device,
    });
    await expect(state.archive).resolves.toBeNull();
    expect(await state.clips.url(ann(3), 'ja')).toBeNull();
  });
});
