/**
 * Watch alerts leave the console (issue 16), against real protocol servers in-process: the hub's
 * mail goes through an SMTP server that receives and parses it, its Web Push through a push
 * service that checks the VAPID signature and decrypts the aes128gcm payload with the keys of a
 * subscription the test made. A missed check-in on the fake clock reaches the right watchers at
 * the right level; a link acknowledges it and stops the ladder; retries, failures and a gone
 * subscription are recorded.
 */
import type { NotificationSettings, PushDevice, WatchAlert } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub, jst, MINUTE } from '../../testing/fake-clock';
import { connectTerminal, type StaffSession, type TestHub } from '../../testing/harness';
import {
  addressesOf,
  sendingTo,
  startMailServer,
  startPushService,
  type TestMailServer,
  type TestPushService,
  type TestSubscription,
} from '../../testing/notify-servers';
import type { NotificationsService } from './service';

jest.setTimeout(60_000);

describe('notifications by e-mail and Web Push', () => {
  let mail: TestMailServer;
  let push: TestPushService;
  let hub: TestHub;
  let clock: FakeClock;
  let notifications: NotificationsService;
  let terminal: Socket;
  const devices: Record<string, TestSubscription> = {};

  beforeAll(async () => {
    [mail, push] = await Promise.all([startMailServer(), startPushService()]);
  });
  afterAll(async () => {
    await Promise.all([mail.close(), push.close()]);
  });

  // Declared first, so it runs before the hub closes.
  afterEach(async () => {
    terminal.close();
    await notifications.settle();
  });
  eachFakeClockHub(
    async (made) => {
      ({ hub, clock } = made);
      mail.mails.length = 0;
      push.received.length = 0;
      notifications = hub.capabilities.notifications;
      // The resident's terminal is on (no "terminal offline" alert), they just do not check in.
      terminal = await connectTerminal(
        await hub.listen(),
        (await hub.enrollTerminal(hub.fixture.households[0]!)).credential,
      );
      for (const name of ['watcher', 'supervisor', 'other'] as const) {
        await optIn(as_(name), `${name}@example.city`);
        devices[name] = await subscribe(as_(name), `${name} のスマートフォン`);
      }
    },
    jst(5, 8, 0),
    () => ({
      config: {
        publicUrl: 'https://mimamori.example.city',
        notifications: sendingTo(mail, push, 'つなぐ 見守り <mimamori@example.city>'),
      },
    }),
  );

  /** A fresh session (the fake clock moves hours; sessions last one). */
  function as_(who: 'watcher' | 'supervisor' | 'other' | 'cityhall' | 'operator'): StaffSession {
    const { users } = hub.fixture;
    return hub.sessionFor(
      {
        watcher: users.watcher,
        supervisor: users.supervisor,
        other: users.otherWatcher,
        cityhall: users.cityhall,
        operator: users.operator,
      }[who],
    );
  }

  async function optIn(session: StaffSession, email: string) {
    const res = await hub.as(session)({
      method: 'PUT',
      url: '/api/notifications/settings',
      payload: { email, mail: true, push: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<NotificationSettings>()).toMatchObject({ email, mail: true, push: true });
  }

  async function subscribe(session: StaffSession, label: string): Promise<TestSubscription> {
    const sub = push.subscribe();
    const res = await hub.as(session)({
      method: 'POST',
      url: '/api/notifications/devices',
      payload: { endpoint: sub.endpoint, keys: sub.keys, expirationTime: null, label },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<PushDevice>().label).toBe(label);
    return sub;
  }

  const missedAlert = async () =>
    (await hub.ctx.sql.get("SELECT id FROM watch_alerts WHERE household_id = ? AND kind = 'missed_checkin'", [
      hub.fixture.households[0],
    ])) as { id: number };

  async function alert(id: number): Promise<WatchAlert> {
    const res = await hub.as(as_('cityhall'))({ method: 'GET', url: `/api/watch/alerts/${id}` });
    expect(res.statusCode).toBe(200);
    return res.json<WatchAlert>();
  }

  /** Sets the clock (or moves it on) and waits until the watch and the notifications have done what falls due. */
  const settledAt = async (time: number) => {
    clock.set(time);
    await hub.capabilities.watch.settle();
    await notifications.settle();
  };
  const settledAfter = (ms: number) => settledAt(clock.now() + ms);

  /** The mail server refuses `times` times with `mailCode`, push answers 503: the missed check-in's deliveries after their first try. */
  const firstTriesFailing = async (times: number, mailCode: number) => {
    mail.refuse(times, mailCode);
    push.answer(503);
    await settledAt(jst(5, 11, 0));
    const { id } = await missedAlert();
    return { id, deliveries: (await alert(id)).deliveries };
  };

  const tokenOf = (text: string) => /\/console\/#\/ack\/([A-Za-z0-9_.-]+)/.exec(text)?.[1] ?? null;

  it('a missed check-in reaches the level-1 watcher by mail and push; the link acknowledges it and stops the ladder', async () => {
    // 10:00 the deadline: only the resident is reminded — nobody is told yet.
    await settledAt(jst(5, 10, 0));
    expect(mail.mails).toEqual([]);
    expect(push.received).toEqual([]);

    // 11:00 grace over: level 1 — the watcher, by both channels; not the supervisor, not another household's watcher.
    clock.set(jst(5, 11, 0));
    await hub.capabilities.watch.settle();
    const letter = await mail.next('watcher@example.city');
    const message = await push.next(devices.watcher!.endpoint);
    await notifications.settle();
    expect(mail.mails.flatMap(addressesOf)).toEqual(['watcher@example.city']);
    expect(push.received.map((r) => r.endpoint)).toEqual([devices.watcher!.endpoint]);

    const { id } = await missedAlert();
    expect(letter.subject).toBe('【見守り】世帯1さん: 「元気です」の連絡がありません');
    expect(letter.from?.text).toContain('mimamori@example.city');
    expect(letter.text).toContain('10:00 の締め切りまでに「元気です」の連絡がありませんでした');
    expect(letter.text).toContain('https://mimamori.example.city/console/#/ack/');
    expect(message.payload).toMatchObject({
      title: '【見守り】世帯1さん: 「元気です」の連絡がありません',
      alertId: id,
      tag: `alert-${id}`,
      urgent: false,
    });
    expect(String(message.payload.body)).toContain('世帯1さん');
    expect(message.headers.urgency).toBe('high');
    // The message was signed with the key the console hands to browsers.
    const settings = await hub.as(as_('watcher'))({ method: 'GET', url: '/api/notifications/settings' });
    expect(message.vapidKey).toBe(settings.json<NotificationSettings>().vapidPublicKey);

    // Every delivery is on the alert.
    expect((await alert(id)).deliveries.map((d) => [d.channel, d.userName, d.status, d.level])).toEqual([
      ['mail', 'watcher', 'sent', 1],
      ['push', 'watcher', 'sent', 1],
    ]);

    // The link: not without signing in, not for someone else, then once for the watcher.
    const token = tokenOf(letter.text ?? '')!;
    expect(tokenOf(String(message.payload.url))).not.toBe(token); // each delivery has its own link
    const ack = (who: StaffSession | null, t = token) =>
      hub.as(who)({ method: 'POST', url: '/api/notifications/acknowledge', payload: { token: t } });
    expect((await ack(null)).statusCode).toBe(401);
    expect((await ack(as_('supervisor'))).json()).toMatchObject({ error: { code: 'LINK_NOT_YOURS' } });
    expect((await ack(as_('watcher'), `${token.slice(0, -3)}abc`)).json()).toMatchObject({
      error: { code: 'LINK_INVALID' },
    });
    const done = await ack(as_('watcher'));
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ acknowledged: true, alert: { id, state: 'acknowledged' } });
    expect((await ack(as_('watcher'))).json()).toMatchObject({ error: { code: 'LINK_USED' } });
    await notifications.settle();
    expect((await alert(id)).deliveries.map((d) => d.status)).toEqual(['acknowledged', 'acknowledged']);
    expect(await hub.ctx.sql.get("SELECT detail FROM audit_log WHERE action = 'watch.alert_acknowledged'")).toEqual({
      detail: JSON.stringify({ via: 'link', channel: 'mail' }),
    });

    // An hour later nothing climbs to the supervisor.
    await settledAt(jst(5, 13, 0));
    expect((await alert(id)).level).toBe(1);
    expect(mail.mails).toHaveLength(1);
    expect(push.received).toHaveLength(1);
  });

  it('without an acknowledgement the next level hears, and only the next level', async () => {
    clock.set(jst(5, 11, 0));
    await hub.capabilities.watch.settle();
    await mail.next('watcher@example.city');
    await push.next(devices.watcher!.endpoint);
    clock.set(jst(5, 12, 0));
    await hub.capabilities.watch.settle();
    const letter = await mail.next('supervisor@example.city');
    await push.next(devices.supervisor!.endpoint);
    await notifications.settle();
    expect(letter.text).toContain('最初にお知らせした方がまだ確認していないため');
    expect(mail.mails.flatMap(addressesOf)).toEqual(['watcher@example.city', 'supervisor@example.city']);
    expect(push.received.map((r) => r.endpoint)).toEqual([devices.watcher!.endpoint, devices.supervisor!.endpoint]);
    const { id } = await missedAlert();
    expect((await alert(id)).deliveries.map((d) => [d.userName, d.level])).toEqual([
      ['watcher', 1],
      ['watcher', 1],
      ['supervisor', 2],
      ['supervisor', 2],
    ]);
  });

  it('a subscription the push service says is gone (410) is removed, not counted as a failure', async () => {
    push.expire(devices.watcher!.endpoint);
    const extra = await subscribe(as_('watcher'), 'タブレット');
    clock.set(jst(5, 11, 0));
    await hub.capabilities.watch.settle();
    await push.next(extra.endpoint);
    await notifications.settle();
    const deliveries = (await alert((await missedAlert()).id)).deliveries.filter((d) => d.channel === 'push');
    expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['failed', 1],
      ['sent', 1],
    ]);
    expect(deliveries[0]!.lastError).toContain('no longer subscribed (410)');
    const settings = (
      await hub.as(as_('watcher'))({ method: 'GET', url: '/api/notifications/settings' })
    ).json<NotificationSettings>();
    expect(settings.devices.map((d) => d.label)).toEqual(['タブレット']);
    const metrics = await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_notification_failures_total');
    expect(metrics).not.toMatch(/channel="push"/);
    expect((await hub.ctx.health.evaluate()).checks.find((c) => c.name === 'push')?.status).toBe('ok');
  });

  it('tries again with backoff, and a channel that keeps failing warns city hall', async () => {
    const { id, deliveries } = await firstTriesFailing(3, 451);
    let [byMail, byPush] = deliveries;
    expect(byMail).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(jst(5, 11, 1)).toISOString(),
    });
    expect(byMail!.lastError).toContain('try again later');
    expect(byPush).toMatchObject({ status: 'pending', attempts: 1 });
    expect(byPush!.lastError).toContain('503');

    // +1 min and +2 min: both fail again; mail now has failed three times in a row.
    await settledAfter(MINUTE);
    await settledAfter(2 * MINUTE);
    [byMail] = (await alert(id)).deliveries;
    expect(byMail).toMatchObject({ status: 'pending', attempts: 3 });
    const status = await hub.ctx.health.evaluate();
    expect(status.checks.find((c) => c.name === 'mail')).toMatchObject({ status: 'warn', reason: 'failing' });
    expect(status.checks.find((c) => c.name === 'push')).toMatchObject({ status: 'warn', reason: 'failing' });
    expect(status.ready).toBe(true); // a mail server is not this hub's storage: it stays in the load balancer
    const failures = await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_notification_failures_total');
    expect(failures).toContain('tsunagu_notification_failures_total{channel="mail"} 3');

    // The services are back: the next attempt (+4 min) goes through and the warning clears.
    push.answer(null);
    clock.advance(4 * MINUTE);
    await hub.capabilities.watch.settle();
    await mail.next('watcher@example.city');
    await push.next(devices.watcher!.endpoint);
    await notifications.settle();
    expect((await alert(id)).deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 4],
      ['sent', 4],
    ]);
    expect((await hub.ctx.health.evaluate()).checks.find((c) => c.name === 'mail')?.status).toBe('ok');
  });

  it('gives up after the last attempt, and pending ones stop once the alert is acknowledged', async () => {
    const { id, deliveries } = await firstTriesFailing(1, 550);
    const [byMail, byPush] = deliveries;
    expect(byMail).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null }); // 5xx: permanent
    expect(byPush).toMatchObject({ status: 'pending' });
    const res = await hub.as(as_('watcher'))({ method: 'POST', url: `/api/watch/alerts/${id}/acknowledge` });
    expect(res.statusCode).toBe(200);
    await notifications.settle();
    expect((await alert(id)).deliveries.map((d) => d.status)).toEqual(['failed', 'acknowledged']);
    push.answer(null);
    await settledAfter(30 * MINUTE);
    expect(push.received).toEqual([]);
  });

  it('settings: e-mail needs an address, devices are one’s own, and only city hall joins the disaster team', async () => {
    const put = (who: StaffSession, payload: object) =>
      hub.as(who)({ method: 'PUT', url: '/api/notifications/settings', payload });
    expect((await put(as_('watcher'), { email: null, mail: true, push: true })).json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect((await put(as_('watcher'), { email: 'not an address', mail: false, push: true })).statusCode).toBe(400);
    expect(
      (await put(as_('watcher'), { email: null, mail: false, push: true, disasterSupport: true })).statusCode,
    ).toBe(403);
    expect(
      (await put(as_('cityhall'), { email: null, mail: false, push: true, disasterSupport: true })).json(),
    ).toMatchObject({
      disasterSupport: true,
    });
    const mine = (
      await hub.as(as_('watcher'))({ method: 'GET', url: '/api/notifications/settings' })
    ).json<NotificationSettings>();
    const theirs = (
      await hub.as(as_('other'))({ method: 'GET', url: '/api/notifications/settings' })
    ).json<NotificationSettings>();
    expect(
      (await hub.as(as_('watcher'))({ method: 'DELETE', url: `/api/notifications/devices/${theirs.devices[0]!.id}` }))
        .statusCode,
    ).toBe(404);
    const removed = await hub.as(as_('watcher'))({
      method: 'DELETE',
      url: `/api/notifications/devices/${mine.devices[0]!.id}`,
    });
    expect(removed.json<NotificationSettings>().devices).toEqual([]);
    // Operators do not receive watch alerts: no settings for them.
    expect((await hub.as(as_('operator'))({ method: 'GET', url: '/api/notifications/settings' })).statusCode).toBe(403);
  });
});
