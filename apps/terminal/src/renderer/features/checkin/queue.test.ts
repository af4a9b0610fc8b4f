import type { Ack, CheckinReceipt, CheckinSubmit } from '@tsunagu/protocol';
import { CheckinQueue } from './queue';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}
const receipt = (e: CheckinSubmit): Ack<CheckinReceipt> => ({
  ok: true,
  data: { checkinId: 1, duplicate: false, countedAt: e.pressedAt, day: '2026-01-05', mood: e.mood ?? null },
});
const entry = (n: number): CheckinSubmit => ({
  idempotencyKey: `00000000-0000-4000-8000-00000000000${n}`,
  pressedAt: `2026-01-05T00:0${n}:00.000Z`,
});

describe('offline check-in queue', () => {
  it('keeps check-ins across reloads until the hub acknowledges them, oldest first', async () => {
    const storage = memoryStorage();
    new CheckinQueue(storage).add(entry(1));
    const q = new CheckinQueue(storage); // a reload
    q.add(entry(2));
    const offline = jest.fn(
      async (): Promise<Ack<CheckinReceipt>> => ({ ok: false, error: { code: 'NOT_CONNECTED', message: '' } }),
    );
    await q.flush(offline);
    expect(offline).toHaveBeenCalledTimes(1); // stops at the first failure
    expect(q.pending()).toHaveLength(2);
    const sent: string[] = [];
    await q.flush(async (e) => {
      sent.push(e.idempotencyKey);
      return receipt(e);
    });
    expect(sent).toEqual([entry(1).idempotencyKey, entry(2).idempotencyKey]);
    expect(q.pending()).toEqual([]);
  });

  it('a mood chosen after sending goes under the same key; bad entries are dropped', async () => {
    const q = new CheckinQueue(memoryStorage());
    q.add(entry(1));
    q.setMood(entry(1).idempotencyKey, entry(1).pressedAt, 'good');
    expect(q.pending()).toEqual([{ ...entry(1), mood: 'good' }]);
    q.add({ idempotencyKey: 'broken', pressedAt: 'x' });
    await q.flush(async (e) =>
      e.idempotencyKey === 'broken' ? { ok: false, error: { code: 'VALIDATION_FAILED', message: '' } } : receipt(e),
    );
    expect(q.pending()).toEqual([]);
  });

  it('flushing an empty queue does not block the next flush', async () => {
    const q = new CheckinQueue(memoryStorage());
    const send = jest.fn(async (e: CheckinSubmit) => receipt(e));
    await q.flush(send);
    q.add(entry(1));
    await q.flush(send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(q.pending()).toEqual([]);
  });

  it('survives garbage in storage', () => {
    const storage = memoryStorage();
    storage.setItem('tsunagu.checkins.pending', '{not json');
    expect(new CheckinQueue(storage).pending()).toEqual([]);
  });
});
