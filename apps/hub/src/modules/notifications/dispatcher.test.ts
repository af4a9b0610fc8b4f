/**
 * The dispatcher with two hubs on one database, on both engines: each attempt is made by one hub
 * (the delivery is claimed first), the retry job of either hub picks up what the other left due,
 * a delivery whose sender died mid-send is tried again once its claim runs out, and an alert settled
 * meanwhile is not sent again. The channel is a test implementation of `NotificationChannel` (the
 * interface a city implements for SMS); the real mail and push channels are in
 * notifications.integration.test.ts.
 */
import { examples } from '@tsunagu/protocol';
import pino from 'pino';
import { FakeClock } from '../../lib/clock';
import { createHealth } from '../../plugins/health';
import { createMetrics } from '../../plugins/metrics';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { MINUTE } from '../../testing/fake-clock';
import type { NotificationChannel, OutgoingMessage, SendOutcome } from './channel';
import { CLAIM_MS, createDispatcher, type Dispatcher, RETRY_BACKOFF_MS } from './dispatcher';
import { newAlert, newUser } from './fixtures';
import { createLinks } from './links';
import { createNotificationsStore, type NotificationsStore } from './store';

/**
 * A channel that records each send and answers what the test says (by default: sent); `hold()`
 * keeps the next sends waiting until `release(outcome)`, and `started()` resolves once a send began.
 */
function recordingChannel() {
  const sent: { address: string; message: OutgoingMessage }[] = [];
  let answer: SendOutcome = { ok: true };
  let gate: Promise<SendOutcome> | null = null;
  let open: (o: SendOutcome) => void = () => undefined;
  let began: () => void = () => undefined;
  let beganOnce = new Promise<void>((resolve) => (began = resolve));
  const channel: NotificationChannel = {
    name: 'sms',
    defaultOn: true,
    addresses: async (userId) => [`+81-${userId}`],
    async send(address, message) {
      sent.push({ address, message });
      began();
      return gate ?? answer;
    },
  };
  return {
    channel,
    sent,
    answer(next: SendOutcome) {
      answer = next;
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve));
      beganOnce = new Promise<void>((resolve) => (began = resolve));
    },
    started: () => beganOnce,
    release(outcome: SendOutcome) {
      gate = null;
      open(outcome);
    },
  };
}

describe.each(ENGINES)('notification dispatcher, two hubs on %s', (engine) => {
  let db: EngineDb;
  let store: NotificationsStore;
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 2, 0));
  const log = pino({ level: 'silent' });
  let alertState: 'open' | 'acknowledged' = 'open';
  let alertId: number;
  let userId: number;
  const hubs: { dispatcher: Dispatcher; sms: ReturnType<typeof recordingChannel> }[] = [];

  function hub() {
    const metrics = createMetrics();
    const sms = recordingChannel();
    const dispatcher = createDispatcher(
      {
        clock,
        log,
        metrics,
        health: createHealth({ clock, log, registry: metrics.registry }),
        config: { timeZone: 'Asia/Tokyo', publicUrl: 'https://hub.example' } as never,
      },
      {
        store,
        channels: [sms.channel],
        links: createLinks('a-secret-of-at-least-32-characters!!'),
        watch: {
          alert: async (id) => ({ ...examples.watchAlert, id, state: alertState }),
          alertChanged: async () => undefined,
          districtName: async () => null,
        },
        pollMs: engine === 'postgres' ? 30_000 : null,
      },
    );
    const h = { dispatcher, sms };
    hubs.push(h);
    return h;
  }
  const settle = () => Promise.all(hubs.map((h) => h.dispatcher.settle()));
  const deliveries = async () =>
    (await store.deliveriesOf(alertId)).map((d) => [d.status, d.attempts, d.nextAttemptAt]);

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createNotificationsStore(engineSql(db));
  });
  beforeEach(async () => {
    alertState = 'open';
    alertId = await newAlert(db, clock.now());
    userId = await newUser(db);
  });
  afterEach(async () => {
    // A test that failed midway may have left a send held: nothing waits for it forever.
    for (const h of hubs) h.sms.release({ ok: false, retry: false, error: 'test ended' });
    await settle();
    for (const h of hubs.splice(0)) h.dispatcher.stop();
  });
  afterAll(() => db.close());

  it('sends a delivery once when both hubs’ retry jobs find it due at the same moment', async () => {
    const a = hub();
    const b = hub();
    // Hub A stores the delivery and starts sending it, then dies (stopped mid-send).
    a.sms.hold();
    await a.dispatcher.alertRaised({ alertId, level: 1, recipients: [userId], at: clock.now() });
    await a.sms.started(); // A's attempt is under way, holding the delivery
    a.dispatcher.stop();

    // Both hubs' retry ticks at once, before the claim ran out: nobody sends it again.
    const c = hub();
    b.dispatcher.retries.start();
    c.dispatcher.retries.start();
    await Promise.all([b.dispatcher.settle(), c.dispatcher.settle()]);
    expect(b.sms.sent.length + c.sms.sent.length).toBe(0);
    expect(await deliveries()).toEqual([['pending', 0, clock.now() + CLAIM_MS]]);

    // A died mid-send: once its claim has run out, exactly one of the others tries it again, even
    // when both look at the same moment (both ticks read it due before either claims it).
    b.dispatcher.retries.stop();
    c.dispatcher.retries.stop();
    clock.advance(CLAIM_MS);
    b.dispatcher.retries.start();
    c.dispatcher.retries.start();
    await Promise.all([b.dispatcher.settle(), c.dispatcher.settle()]);
    expect(b.sms.sent.length + c.sms.sent.length).toBe(1);
    expect(await deliveries()).toEqual([['sent', 1, null]]);
    // What the dead hub's send answers late records nothing (it stopped).
    a.sms.release({ ok: false, retry: true, error: 'late' });
    await a.dispatcher.settle();
    expect(await deliveries()).toEqual([['sent', 1, null]]);
  });

  it('one hub’s retry goes out from the hub running the retries, once, at its time', async () => {
    const sender = hub();
    const runner = hub();
    sender.sms.answer({ ok: false, retry: true, error: '503' });
    await sender.dispatcher.alertRaised({ alertId, level: 1, recipients: [userId], at: clock.now() });
    await settle();
    const retryAt = clock.now() + RETRY_BACKOFF_MS[0]!;
    expect(await deliveries()).toEqual([['pending', 1, retryAt]]);
    // The sender stops (its hub is gone); the runner's job finds the retry in the database.
    sender.dispatcher.stop();
    runner.dispatcher.retries.start();
    await settle();
    expect(runner.sms.sent).toHaveLength(0); // not due yet
    clock.advance(MINUTE);
    await settle();
    expect(runner.sms.sent).toHaveLength(1);
    expect(sender.sms.sent).toHaveLength(1);
    expect(await deliveries()).toEqual([['sent', 2, null]]);
  });

  it('an alert acknowledged during an attempt: the attempt records nothing and nothing is sent again', async () => {
    const a = hub();
    a.sms.hold();
    await a.dispatcher.alertRaised({ alertId, level: 1, recipients: [userId], at: clock.now() });
    await a.sms.started();
    // Acknowledged by the watcher on another hub while the send is under way.
    alertState = 'acknowledged';
    await hub().dispatcher.alertSettled({
      alertId,
      state: 'acknowledged',
      actor: `user:${userId}:watcher`,
      at: clock.now(),
    });
    a.sms.release({ ok: false, retry: true, error: 'busy' });
    await settle();
    expect(await deliveries()).toEqual([['acknowledged', 0, null]]);
    clock.advance(RETRY_BACKOFF_MS[0]! + CLAIM_MS);
    a.dispatcher.retries.start();
    await settle();
    expect(a.sms.sent).toHaveLength(1);
  });
});
