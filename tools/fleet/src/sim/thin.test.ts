// The fan-out's protocol-level receivers (thin.ts) against a real in-process hub: they join the
// terminal namespace with a device credential, receive an announcement, and their delivered
// receipts are stored; a credential the hub does not know is refused with its error.
import type { AnnouncementsService } from '@tsunagu/hub/modules/announcements';
import { createTestHub, publishingApiKey, type TestHub, withHub } from '@tsunagu/hub/testing/harness';
import { Fleet } from './fleet';
import { openThinReceivers, ThinReceiver, ThinRefused } from './thin';

describe('protocol-level receivers against a real hub', () => {
  let hub: TestHub;
  let url: string;
  let apiKey: string;
  let fleet: Fleet;
  const open: ThinReceiver[] = [];

  afterAll(() => {
    for (const r of open) r.close();
  });
  withHub('all', async (made) => {
    hub = made;
    url = await hub.listen();
    apiKey = await publishingApiKey(hub, 'thin-test');
  });

  test('receive an announcement once each, and their receipts are stored', async () => {
    const householdIds = [...hub.fixture.households];
    const codes = await Promise.all(
      householdIds.map(async (id) => (await hub.services.terminals.issueCode(id, 'test')).code),
    );
    fleet = new Fleet({ hub: url, heartbeatMs: 0 });
    const identities = await fleet.enroll(codes, householdIds.length);
    const { receivers, failed } = await openThinReceivers(fleet, url, identities);
    open.push(...receivers);
    expect(failed).toEqual([]);
    expect(receivers).toHaveLength(householdIds.length);
    for (const id of identities) expect(hub.services.terminals.connectedCount(id.terminalId)).toBe(1);
    // The virtual terminals themselves are not connected: the receivers alone are the audience.
    expect(fleet.connectedCount).toBe(0);

    const r = await fleet.fanout(apiKey, 10_000, undefined, false, receivers.length);
    expect(r).toMatchObject({ terminals: receivers.length, received: receivers.length, missing: 0 });
    expect(r.stored).toBe(receivers.length);
    expect(r.receive.max).toBeLessThanOrEqual(r.allStoredMs);
    const announcements = hub.capabilities.announcements as AnnouncementsService;
    expect((await announcements.counts(r.announcementId)).delivered).toBe(receivers.length);
    // Once each: the tracking holds one arrival per receiver, not more.
    expect(fleet.tracked(r.announcementId).received).toHaveLength(receivers.length);
  });

  test('an unknown credential is refused with the hub’s message, and nothing waits for it', async () => {
    const refused = ThinReceiver.open(
      { hub: url, credential: 'not-a-credential', received: () => {}, stored: () => {} },
      5000,
    );
    await expect(refused).rejects.toBeInstanceOf(ThinRefused);
    await expect(refused).rejects.toMatchObject({ retryAfterMs: undefined });
    const r = await openThinReceivers(fleet, url, [{ householdId: 1, terminalId: 1, credential: 'nope' }]);
    expect(r.receivers).toEqual([]);
    expect(r.failed).toHaveLength(1);
  });

  test('a hub that is not there fails the open within its timeout', async () => {
    const other = await createTestHub();
    const gone = await other.listen();
    await other.close();
    await expect(
      ThinReceiver.open({ hub: gone, credential: 'x', received: () => {}, stored: () => {} }, 2000),
    ).rejects.toThrow();
  });
});
