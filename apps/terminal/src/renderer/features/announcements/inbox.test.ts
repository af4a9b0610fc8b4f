import { RETRY_LATER } from '../../connection/outbox';
import { fakeRetryTimers } from '../../connection/test-timers';
import { AnnouncementInbox } from './inbox';
import { ReceiptOutbox } from './receipts';
import { ann } from './test-fixtures';

const memory = () => {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
};

describe('AnnouncementInbox', () => {
  it('shows each announcement once whether it comes live, in the sync list, or twice', () => {
    const inbox = new AnnouncementInbox(memory());
    expect(inbox.apply(ann(1))).toEqual({ type: 'new', announcement: ann(1) });
    expect(inbox.apply(ann(1))).toBeNull();
    expect(inbox.applySync([ann(1), ann(2)])).toEqual([{ type: 'new', announcement: ann(2) }]);
    expect(inbox.list().map((a) => a.id)).toEqual([2, 1]);
  });

  it('replaces an updated version and drops what the hub no longer lists', () => {
    const inbox = new AnnouncementInbox(memory());
    inbox.applySync([ann(1), ann(2)]);
    expect(inbox.apply(ann(1, { version: 2, bodyJa: 'new' }))).toMatchObject({ type: 'updated' });
    expect(inbox.get(1)!.bodyJa).toBe('new');
    expect(inbox.applySync([ann(1, { version: 2 })])).toEqual([{ type: 'removed', id: 2 }]);
    expect(inbox.remove(1)).toBe(true);
    expect(inbox.list()).toEqual([]);
  });

  it('takes over with the oldest unacknowledged emergency, and lets it go once acknowledged', () => {
    const inbox = new AnnouncementInbox(memory());
    inbox.applySync([
      ann(1, { kind: 'emergency' }),
      ann(2, { kind: 'emergency' }),
      ann(3, { kind: 'emergency', acknowledged: true }),
    ]);
    expect(inbox.pendingEmergency()!.id).toBe(1);
    inbox.acknowledge(1);
    expect(inbox.pendingEmergency()!.id).toBe(2);
    inbox.acknowledge(2, null);
    expect(inbox.pendingEmergency()).toBeNull();
    // An update is new content: it takes over again.
    inbox.apply(ann(2, { kind: 'emergency', version: 2 }));
    expect(inbox.pendingEmergency()!.id).toBe(2);
  });

  it('counts unread news (not emergencies) and remembers what was read and delivered across reloads', () => {
    const storage = memory();
    const inbox = new AnnouncementInbox(storage);
    inbox.applySync([ann(1), ann(2, { kind: 'important' }), ann(3, { kind: 'emergency' })]);
    expect(inbox.unreadCount()).toBe(2);
    inbox.markRead(inbox.get(1)!);
    inbox.markDelivered(2);
    const reloaded = new AnnouncementInbox(storage);
    reloaded.applySync([ann(1), ann(2, { kind: 'important' }), ann(3, { kind: 'emergency' })]);
    expect(reloaded.unreadCount()).toBe(1);
    expect(reloaded.needsDelivered(2)).toBe(false);
    expect(reloaded.needsDelivered(1)).toBe(true);
  });
});

describe('ReceiptOutbox', () => {
  const socket = (answers: unknown[]) => {
    const sent: unknown[] = [];
    return {
      sent,
      connected: true,
      emit: (_event: string, payload: unknown, ack: (r: unknown) => void) => {
        sent.push(payload);
        ack(answers.shift());
      },
    };
  };

  it('keeps a receipt the hub could not store and sends it again after reconnecting', async () => {
    const storage = memory();
    // The retry after a backoff is armed, not run (a real 30 s timer kept the test's worker alive).
    const { timers, delays } = fakeRetryTimers();
    const outbox = new ReceiptOutbox(storage, timers);
    const s1 = socket([{ ok: false, error: { code: 'INTERNAL', message: '' } }]);
    expect(await outbox.send(s1, { announcementId: 1, stage: 'acknowledged' })).toBe(false);
    expect(outbox.pending()).toHaveLength(1);
    expect(delays().at(-1)).toBe(RETRY_LATER.initialMs);
    // Survives a reload.
    const again = new ReceiptOutbox(storage);
    const s2 = socket([{ ok: true, data: { stored: true } }]);
    await again.flushTo(s2);
    expect(s2.sent).toEqual([{ announcementId: 1, stage: 'acknowledged' }]);
    expect(again.pending()).toHaveLength(0);
  });

  it('drops receipts the hub refuses for good, and queues while offline', async () => {
    const outbox = new ReceiptOutbox(memory());
    expect(
      await outbox.send(socket([{ ok: false, error: { code: 'NOT_FOUND', message: '' } }]), {
        announcementId: 9,
        stage: 'delivered',
      }),
    ).toBe(false);
    expect(outbox.pending()).toHaveLength(0);
    expect(
      await outbox.send({ connected: false, emit: () => undefined }, { announcementId: 9, stage: 'delivered' }),
    ).toBe(false);
    expect(outbox.pending()).toHaveLength(1);
  });
});
