/**
 * Help requests land with a person (issue 16), over real sockets on a fake clock: the terminal's
 * 助けて, a safety check answered 助けが必要です, and households that leave a safety check
 * unanswered each open a watch alert for the household's watchers and city hall (its disaster
 * support team hears by e-mail); the resident hears who has seen the request.
 */
import type { Ack, Announcement, HelpStatus, WatchAlert, WatchAlertList } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub, jst, MINUTE } from '../../testing/fake-clock';
import { emitAck, nextEvent, type TestHub } from '../../testing/harness';
import { sendingTo, startMailServer, type TestMailServer } from '../../testing/notify-servers';

jest.setTimeout(60_000);

describe('help requests', () => {
  let mail: TestMailServer;
  let hub: TestHub;
  let clock: FakeClock;
  let terminal: Socket;
  let credential: string;

  beforeAll(async () => {
    mail = await startMailServer();
  });
  afterAll(() => mail.close());

  // Declared first, so it runs before the hub closes.
  afterEach(() => hub.capabilities.notifications.settle());
  eachFakeClockHub(
    async (made) => {
      ({ hub, clock } = made);
      mail.mails.length = 0;
      ({ credential } = await hub.enrollTerminal(hub.fixture.households[0]!));
      terminal = await hub.connectTerminal(credential);
      // City hall's disaster support team member, by e-mail.
      const res = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
        method: 'PUT',
        url: '/api/notifications/settings',
        payload: { email: 'bousai@example.city', mail: true, push: false, disasterSupport: true },
      });
      expect(res.statusCode).toBe(200);
    },
    jst(5, 8, 0),
    () => ({
      config: { notifications: sendingTo(mail), help: { ackMinutes: 10, safetyUnansweredMinutes: 60 } },
    }),
  );

  const staff = async (userId: number) => {
    const s = await hub.connectStaff(hub.sessionFor(userId));
    return s;
  };

  it('助けて on the terminal: an urgent alert for the watchers and city hall, and the resident hears who saw it', async () => {
    const watcher = await staff(hub.fixture.users.watcher);
    const cityhall = await staff(hub.fixture.users.cityhall);
    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    const cityhallRaised = nextEvent<WatchAlert>(cityhall, 'watch:alertRaised');
    const ack = await emitAck<Ack<HelpStatus>>(terminal, 'help:request', {});
    expect(ack).toMatchObject({ ok: true, data: { state: 'open', seenBy: null } });
    if (!ack.ok) throw new Error('refused');
    const alert = await raised;
    expect(alert).toMatchObject({ id: ack.data.alertId, kind: 'help_request', level: 1, householdName: '世帯1' });
    expect((await cityhallRaised).id).toBe(alert.id);
    // The disaster support team is told by e-mail, urgently.
    const letter = await mail.next('bousai@example.city');
    expect(letter.subject).toBe('【至急】世帯1さん: 助けを求めています');
    expect(letter.text).toContain('端末の「助けて」ボタンで助けを求めています');

    // Pressing again answers the same request (no second alert), noted on it.
    const again = await emitAck<Ack<HelpStatus>>(terminal, 'help:request', {});
    expect(again).toMatchObject({ ok: true, data: { alertId: alert.id } });
    expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM watch_alerts WHERE kind = 'help_request'")).toEqual({
      n: 1,
    });

    // The watcher acknowledges: the terminal is told who saw it.
    const told = nextEvent<HelpStatus>(terminal, 'help:statusChanged');
    expect(await emitAck<Ack<WatchAlert>>(watcher, 'watch:acknowledge', { alertId: alert.id })).toMatchObject({
      ok: true,
    });
    expect(await told).toMatchObject({ alertId: alert.id, state: 'acknowledged', seenBy: 'watcher' });
    // A terminal that reconnects is told again.
    const back = hub.terminalSocket(credential);
    expect(await nextEvent<HelpStatus>(back, 'help:statusChanged')).toMatchObject({ seenBy: 'watcher' });
    const steps = (
      (await hub.ctx.sql.all('SELECT type FROM watch_alert_events WHERE alert_id = ?', [alert.id])) as {
        type: string;
      }[]
    ).map((e) => e.type);
    expect(steps).toEqual(['opened', 'escalated', 'asked_again', 'acknowledged']);
  });

  it('a help request nobody acknowledges goes a level up after the urgent window (10 min)', async () => {
    const supervisor = await staff(hub.fixture.users.supervisor);
    const ack = await emitAck<Ack<HelpStatus>>(terminal, 'help:request', {});
    if (!ack.ok) throw new Error('refused');
    const up = nextEvent<WatchAlert>(supervisor, 'watch:alertRaised');
    clock.advance(10 * MINUTE);
    await hub.capabilities.watch.settle();
    expect(await up).toMatchObject({ id: ack.data.alertId, level: 2 });
  });

  it('a safety check: 助けが必要です opens a help request, and households that do not answer are alerted after an hour', async () => {
    const other = await hub.enrollTerminal(hub.fixture.households[1]!);
    await hub.connectTerminal(other.credential); // connected, and never answers
    const cityhallSession = hub.sessionFor(hub.fixture.users.cityhall);
    const created = await hub.as(cityhallSession)({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: 'important',
        titleJa: '安否確認',
        bodyJa: '地震がありました。ご無事ですか。',
        safetyCheck: true,
        target: { type: 'districts', districtIds: hub.fixture.districts.slice(0, 2) },
      },
    });
    expect(created.statusCode).toBe(201);
    const announcement = created.json<Announcement>();
    expect(announcement.status).toBe('published');

    const watcher = await staff(hub.fixture.users.watcher);
    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    const answer = await emitAck<Ack<unknown>>(terminal, 'announcement:receipt', {
      announcementId: announcement.id,
      stage: 'answered',
      answer: 'need_help',
    });
    expect(answer).toMatchObject({ ok: true });
    const help = await raised;
    expect(help).toMatchObject({
      kind: 'help_request',
      householdId: hub.fixture.households[0],
      announcementId: announcement.id,
      level: 1,
    });
    expect((await mail.next('bousai@example.city')).text).toContain('安否確認で「助けが必要です」と答えました');
    // Answering again (a resend) does not raise a second one.
    await emitAck(terminal, 'announcement:receipt', {
      announcementId: announcement.id,
      stage: 'answered',
      answer: 'need_help',
    });

    // An hour on (10:00, the day's check-in deadline too): the household that did not answer is
    // alerted; the one that asked for help is not alerted twice.
    clock.advance(120 * MINUTE);
    await hub.capabilities.watch.settle();
    const list = await hub.as(hub.sessionFor(hub.fixture.users.watcher))({
      method: 'GET',
      url: `/api/watch/alerts?announcementId=${announcement.id}&state=all`,
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json<WatchAlertList>()
        .alerts.map((a) => [a.kind, a.householdId])
        .sort(),
    ).toEqual([
      ['help_request', hub.fixture.households[0]],
      ['safety_unanswered', hub.fixture.households[1]],
    ]);
    // Done once: a restart or another hour raises nothing more.
    clock.advance(60 * MINUTE);
    await hub.capabilities.watch.settle();
    expect(
      await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM watch_alerts WHERE announcement_id = ?', [announcement.id]),
    ).toEqual({
      n: 2,
    });
  });
});
