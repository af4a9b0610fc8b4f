/**
 * Announcements: compose (with the guards against human error), approve, schedule, publish to the
 * targeted terminals (persisted first, then sent), update/cancel/expire, ingest CAP, and count
 * receipts (group-committed) for city hall's live view.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  Announcement,
  AnnouncementContent,
  AnnouncementSettings,
  AnnouncementTarget,
  CreateAnnouncementBody,
  DistrictCentroid,
  FollowUpHousehold,
  ReceiptCounts,
  ReceiptPayload,
  TargetPreview,
  TerminalAnnouncement,
  UpdateAnnouncementBody,
  WithdrawnReason,
} from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { rooms } from '../../plugins/socket';
import type { HouseholdsStore } from '../households/store';
import { sniffAudio } from './audio';
import {
  buildCapXml,
  CATEGORY,
  CapError,
  type CapExport,
  capDateTime,
  capToAnnouncement,
  decodeXmlBody,
  matchDistricts,
  parseCap,
  refuseDtd,
} from './cap';
import { ReceiptBatcher } from './receipts';
import type { AnnouncementRecord, AnnouncementsStore, ReceiptWrite } from './store';

export const SYNC_LIMIT = 50;
const MAX_TIMER_MS = 2 ** 31 - 1;
const REQUIRE_APPROVAL_KEY = 'require_emergency_approval';
const CENTROIDS_KEY = 'district_centroids';

export type CapResult =
  | { status: 201; body: { announcementId: number } }
  | { status: 200; body: { reason: string; announcementId?: number; announcementIds?: number[] } };

export interface AnnouncementsService {
  create(body: CreateAnnouncementBody, actor: { name: string; isUser: boolean }): Announcement;
  approve(id: number, actor: string): Announcement;
  update(id: number, body: UpdateAnnouncementBody): Announcement;
  cancel(id: number): Announcement;
  get(id: number): Announcement;
  list(limit: number): Announcement[];
  preview(target: AnnouncementTarget): TargetPreview;
  counts(id: number): ReceiptCounts;
  followUps(id: number, sort: 'district' | 'needsAssistance'): FollowUpHousehold[];
  settings(): AnnouncementSettings;
  /** District centroids used to match CAP polygons and circles. */
  centroids(): DistrictCentroid[];
  setCentroids(list: DistrictCentroid[]): DistrictCentroid[];
  setSettings(s: AnnouncementSettings): AnnouncementSettings;
  /** What a terminal of this household should show now, oldest first. */
  forHousehold(householdId: number): TerminalAnnouncement[];
  receipt(terminal: { terminalId: number; householdId: number }, p: ReceiptPayload): Promise<void>;
  ingestCap(body: Buffer, actor: string): CapResult;
  capXml(id: number): string;
  storeAudio(data: Buffer): { audioId: string; mimeType: string; bytes: number };
  audioFile(id: number): { file: string; mimeType: string } | null;
  /** Re-arms schedules and expiries from the database (hub start). */
  start(): void;
  /** Stops timers and commits queued receipts. */
  stop(): void;
}

export interface AnnouncementsDeps {
  store: AnnouncementsStore;
  households: HouseholdsStore;
}

export function createAnnouncementsService(ctx: HubContext, deps: AnnouncementsDeps): AnnouncementsService {
  const { clock } = ctx;
  const { store, households } = deps;
  const audioDir = path.join(ctx.config.dataDir, 'announcement-audio');
  const scheduleTimers = new Map<number, TimerHandle>();
  const expiryTimers = new Map<number, TimerHandle>();

  const published = new Counter({
    name: 'tsunagu_announcements_published_total',
    help: 'Announcements published, by kind',
    labelNames: ['kind'],
    registers: [ctx.metrics.registry],
  });
  const receiptsWritten = new Counter({
    name: 'tsunagu_announcement_receipts_total',
    help: 'Announcement receipts stored, by stage',
    labelNames: ['stage'],
    registers: [ctx.metrics.registry],
  });
  const batchSize = new Histogram({
    name: 'tsunagu_announcement_receipt_batch_size',
    help: 'Receipts committed per transaction (group commit)',
    buckets: [1, 5, 20, 100, 500, 2000],
    registers: [ctx.metrics.registry],
  });

  // ----- views

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const content = (a: AnnouncementRecord): AnnouncementContent => ({
    id: a.id,
    version: a.version,
    kind: a.kind,
    test: a.test,
    titleJa: a.titleJa,
    bodyJa: a.bodyJa,
    titleEn: a.titleEn,
    bodyEn: a.bodyEn,
    hasAudio: a.audioId !== null,
    safetyCheck: a.safetyCheck,
    publishedAt: iso(a.publishedAt),
    expiresAt: iso(a.expiresAt),
  });
  const view = (a: AnnouncementRecord): Announcement => ({
    ...content(a),
    status: a.status,
    target: a.target,
    sendAt: iso(a.sendAt),
    source: a.source,
    createdBy: a.createdBy,
    approvedBy: a.approvedBy,
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
    cancelledAt: iso(a.cancelledAt),
    counts: store.counts(a.id),
  });
  const load = (id: number) => {
    const a = store.get(id);
    if (!a) throw notFound('announcement');
    return a;
  };

  // ----- sending: one broadcast per change, serialised once by Socket.IO for all its rooms

  function terminalsFor(a: AnnouncementRecord, householdIds: number[]) {
    if (a.target.type === 'all') return ctx.sockets.terminals.to(rooms.allTerminals);
    // An empty room list would mean "everyone": never send then.
    if (householdIds.length === 0) return null;
    return ctx.sockets.terminals.to(householdIds.map(rooms.household));
  }
  const notifyStaff = (a: AnnouncementRecord) =>
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('announcement:changed', view(a));
  const withdraw = (a: AnnouncementRecord, reason: WithdrawnReason) =>
    terminalsFor(a, store.targetHouseholdIds(a.id))?.emit('announcement:withdrawn', { id: a.id, reason });

  // ----- timers (ctx.clock; long delays are re-armed in steps setTimeout can hold)

  function at(when: number, fn: () => void): TimerHandle {
    let handle: TimerHandle | null = null;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const delay = when - clock.now();
      if (delay <= 0) return fn();
      handle = clock.setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    };
    handle = clock.setTimeout(arm, Math.max(0, Math.min(when - clock.now(), MAX_TIMER_MS)));
    return {
      cancel: () => {
        cancelled = true;
        handle?.cancel();
      },
    };
  }
  function armExpiry(a: AnnouncementRecord) {
    expiryTimers.get(a.id)?.cancel();
    expiryTimers.delete(a.id);
    if (a.status !== 'published' || a.expiresAt === null) return;
    expiryTimers.set(
      a.id,
      at(a.expiresAt, () => expire(a.id)),
    );
  }
  function armSchedule(a: AnnouncementRecord) {
    scheduleTimers.get(a.id)?.cancel();
    scheduleTimers.delete(a.id);
    if (a.status !== 'scheduled') return;
    // Stored but not yet sent when the hub stopped: send it now.
    if (a.sendAt === null) return void publishNow(a);
    scheduleTimers.set(
      a.id,
      at(a.sendAt, () => {
        scheduleTimers.delete(a.id);
        const current = store.get(a.id);
        if (current?.status === 'scheduled') publishNow(current);
      }),
    );
  }

  function publishNow(a: AnnouncementRecord): AnnouncementRecord {
    const now = clock.now();
    if (a.expiresAt !== null && a.expiresAt <= now) {
      store.setStatus(a.id, 'expired', now);
      const expired = load(a.id);
      notifyStaff(expired);
      return expired;
    }
    const householdIds = store.resolveTarget(a.target);
    store.publish(a.id, householdIds, now); // persisted first…
    const rec = load(a.id);
    const payload: TerminalAnnouncement = { ...content(rec), acknowledged: false, safetyAnswer: null };
    terminalsFor(rec, householdIds)?.emit('announcement:published', payload); // …then sent
    published.inc({ kind: rec.kind });
    armExpiry(rec);
    notifyStaff(rec);
    return rec;
  }

  function expire(id: number) {
    expiryTimers.delete(id);
    const a = store.get(id);
    if (a?.status !== 'published') return;
    store.setStatus(id, 'expired', clock.now());
    withdraw(a, 'expired');
    notifyStaff(load(id));
  }

  // ----- receipts: group commit, then ack, then tell city hall

  const dirty = new Set<number>();
  let countsTimer: NodeJS.Timeout | null = null;
  const flushCounts = () => {
    countsTimer = null;
    for (const id of dirty) {
      ctx.sockets.staff
        .to(rooms.role('cityhall'))
        .emit('announcement:receiptsChanged', { announcementId: id, counts: store.counts(id) });
    }
    dirty.clear();
  };
  const batcher = new ReceiptBatcher(
    (writes: ReceiptWrite[]) => store.writeReceipts(writes),
    (writes) => {
      batchSize.observe(writes.length);
      for (const w of writes) {
        receiptsWritten.inc({ stage: w.stage });
        dirty.add(w.announcementId);
        if (w.stage === 'acknowledged' || w.stage === 'answered') {
          ctx.events.emit('household.activity', {
            householdId: w.householdId,
            kind: 'announcement_acknowledged',
            at: w.at,
          });
        }
      }
      // Live counters: at most a few recounts a second however many terminals answer at once.
      // (A rate limit, not a deadline: plain timers, so it also runs under a fake clock.)
      if (!countsTimer) countsTimer = setTimeout(flushCounts, 100);
    },
    (err) => ctx.log.error({ err }, 'receipt batch failed'),
  );

  // ----- validation shared by create/update

  function parseTime(value: string | undefined | null, field: string): number | null {
    if (value === undefined || value === null) return null;
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw badRequest('VALIDATION_FAILED', `${field} is not a valid date and time.`, [
        { path: `body.${field}`, message: 'is not a date-time' },
      ]);
    return ms;
  }
  function checkTarget(target: AnnouncementTarget) {
    if (target.type === 'districts') {
      const unknown = target.districtIds.filter((id) => !households.districtExists(id));
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_DISTRICT',
          `No such district: ${unknown.join(', ')}.`,
          unknown.map((id) => ({ path: 'body.target.districtIds', message: `district ${id} does not exist` })),
        );
      }
    }
    if (target.type === 'households') {
      const known = new Set(store.resolveTarget(target));
      const unknown = target.householdIds.filter((id) => !known.has(id));
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_HOUSEHOLD',
          `No such household: ${unknown.slice(0, 10).join(', ')}.`,
          unknown
            .slice(0, 10)
            .map((id) => ({ path: 'body.target.householdIds', message: `household ${id} does not exist` })),
        );
      }
    }
  }
  const audioPath = (audioId: string) => {
    // The id is 32 hex digits generated here; re-checked so no path can ever leave the folder.
    if (!/^[a-f0-9]{32}$/.test(audioId)) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist.');
    return path.join(audioDir, audioId);
  };

  // ----- CAP export helpers

  const capSender = () => `tsunagu@${new URL(ctx.config.publicUrl).host.replace(/[,\s]/g, '')}`;
  const PARAMS = {
    emergency: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' },
    important: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' },
    routine: { urgency: 'Future', severity: 'Minor', certainty: 'Observed' },
  } as const;

  const service: AnnouncementsService = {
    create(body, actor) {
      const now = clock.now();
      const sendAt = parseTime(body.sendAt, 'sendAt');
      const expiresAt = parseTime(body.expiresAt, 'expiresAt');
      if (expiresAt !== null && expiresAt <= Math.max(now, sendAt ?? now)) {
        throw badRequest('EXPIRY_IN_PAST', 'The expiry must be after the time it is sent.', [
          { path: 'body.expiresAt', message: 'must be later than the send time' },
        ]);
      }
      if (body.kind === 'emergency' && body.target.type === 'all' && body.confirmWholeCity !== true) {
        throw badRequest(
          'CONFIRMATION_REQUIRED',
          'An emergency to the whole city needs a second confirmation (confirmWholeCity).',
          [{ path: 'body.confirmWholeCity', message: 'must be true for an emergency to all terminals' }],
        );
      }
      checkTarget(body.target);
      let audioMime: string | null = null;
      if (body.audioId) {
        const file = audioPath(body.audioId);
        if (!fs.existsSync(file))
          throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist. Upload it again.');
        const fd = fs.openSync(file, 'r');
        const head = Buffer.alloc(64);
        fs.readSync(fd, head, 0, 64, 0);
        fs.closeSync(fd);
        audioMime = sniffAudio(head);
        if (!audioMime)
          throw badRequest('AUDIO_NOT_FOUND', 'That voice clip is not a supported recording. Upload it again.');
      }
      const needsApproval = body.kind === 'emergency' && service.settings().requireEmergencyApproval;
      const status = needsApproval ? 'pending_approval' : sendAt !== null && sendAt > now ? 'scheduled' : 'published';
      const id = store.insert({
        kind: body.kind,
        test: body.test ?? false,
        titleJa: body.titleJa,
        bodyJa: body.bodyJa,
        titleEn: body.titleEn ?? null,
        bodyEn: body.bodyEn ?? null,
        audioId: body.audioId ?? null,
        audioMime,
        safetyCheck: body.safetyCheck ?? false,
        target: body.target,
        // 'published' is set by publishNow together with the frozen targets.
        status: status === 'published' ? 'scheduled' : status,
        sendAt,
        expiresAt,
        source: 'console',
        capCategory: null,
        createdBy: actor.name,
        approvedBy: null,
        createdAt: now,
      });
      let rec = load(id);
      if (status === 'published') rec = publishNow(rec);
      else {
        armSchedule(rec);
        notifyStaff(rec);
      }
      return view(rec);
    },

    approve(id, actor) {
      const a = load(id);
      if (a.status !== 'pending_approval')
        throw new AppError(409, 'NOT_PENDING', 'This announcement is not waiting for approval.');
      if (a.createdBy === actor) {
        throw new AppError(
          403,
          'APPROVAL_SAME_ACCOUNT',
          'A second city hall account must approve this emergency announcement.',
        );
      }
      const now = clock.now();
      store.setStatus(id, 'scheduled', now, { approvedBy: actor });
      let rec = load(id);
      if (rec.sendAt === null || rec.sendAt <= now) rec = publishNow(rec);
      else {
        armSchedule(rec);
        notifyStaff(rec);
      }
      return view(rec);
    },

    update(id, body) {
      const a = load(id);
      if (a.status === 'cancelled' || a.status === 'expired') {
        throw new AppError(
          409,
          'ANNOUNCEMENT_CLOSED',
          `This announcement has been ${a.status} and can no longer be changed.`,
        );
      }
      const now = clock.now();
      const expiresAt = body.expiresAt === undefined ? undefined : parseTime(body.expiresAt, 'expiresAt');
      if (expiresAt != null && expiresAt <= now) {
        throw badRequest('EXPIRY_IN_PAST', 'The expiry must be in the future. To take it down now, cancel it.', [
          { path: 'body.expiresAt', message: 'must be in the future' },
        ]);
      }
      store.updateContent(
        id,
        {
          ...(body.titleJa !== undefined ? { titleJa: body.titleJa } : {}),
          ...(body.bodyJa !== undefined ? { bodyJa: body.bodyJa } : {}),
          ...(body.titleEn !== undefined ? { titleEn: body.titleEn } : {}),
          ...(body.bodyEn !== undefined ? { bodyEn: body.bodyEn } : {}),
          ...(body.safetyCheck !== undefined ? { safetyCheck: body.safetyCheck } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        },
        now,
      );
      return view(afterUpdate(load(id)));
    },

    cancel(id) {
      const a = load(id);
      if (a.status === 'cancelled' || a.status === 'expired') {
        throw new AppError(409, 'ANNOUNCEMENT_CLOSED', `This announcement has already been ${a.status}.`);
      }
      cancelRecord(a);
      return view(load(id));
    },

    get: (id) => view(load(id)),
    list: (limit) => store.list(limit).map(view),

    preview(target) {
      checkTarget(target);
      const ids = store.resolveTarget(target);
      const t = store.countTerminals(ids);
      return { households: ids.length, terminals: t.terminals, onlineTerminals: t.online };
    },

    counts: (id) => {
      load(id);
      return store.counts(id);
    },
    followUps: (id, sort) => {
      load(id);
      return store.followUps(id, sort);
    },

    settings: () => ({ requireEmergencyApproval: store.getSetting(REQUIRE_APPROVAL_KEY) === 'true' }),
    centroids() {
      try {
        return JSON.parse(store.getSetting(CENTROIDS_KEY) ?? '[]') as DistrictCentroid[];
      } catch {
        return [];
      }
    },
    setCentroids(list) {
      const unknown = list.filter((c) => !households.districtExists(c.districtId));
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_DISTRICT',
          `No such district: ${unknown.map((c) => c.districtId).join(', ')}.`,
          unknown.map((c) => ({ path: 'body.centroids', message: `district ${c.districtId} does not exist` })),
        );
      }
      store.setSetting(CENTROIDS_KEY, JSON.stringify(list));
      return service.centroids();
    },
    setSettings(s) {
      store.setSetting(REQUIRE_APPROVAL_KEY, String(s.requireEmergencyApproval));
      return service.settings();
    },

    forHousehold(householdId) {
      const list = store.activeForHousehold(householdId, clock.now(), SYNC_LIMIT);
      const states = new Map(
        store
          .receiptStates(
            householdId,
            list.map((a) => a.id),
          )
          .map((s) => [s.announcementId, s]),
      );
      return list.map((a) => {
        const s = states.get(a.id);
        // An update must be acknowledged again: it is new content.
        const acknowledged = s?.acknowledgedAt != null && s.acknowledgedAt >= a.updatedAt;
        return { ...content(a), acknowledged, safetyAnswer: s?.safetyAnswer ?? null };
      });
    },

    async receipt(terminal, p) {
      if (!store.isTargeted(p.announcementId, terminal.householdId)) throw notFound('announcement');
      if (p.stage === 'answered' && !p.answer) {
        throw badRequest('VALIDATION_FAILED', 'A safety answer (safe or need_help) is required.', [
          { path: 'payload.answer', message: 'is required' },
        ]);
      }
      if (p.stage !== 'answered' && p.answer) {
        throw badRequest('VALIDATION_FAILED', 'An answer is only sent with stage "answered".', [
          { path: 'payload.answer', message: 'is not allowed here' },
        ]);
      }
      await batcher.add({
        announcementId: p.announcementId,
        terminalId: terminal.terminalId,
        householdId: terminal.householdId,
        stage: p.stage,
        ...(p.answer ? { answer: p.answer } : {}),
        at: clock.now(),
      });
    },

    ingestCap(body, actor) {
      let text: string;
      try {
        text = decodeXmlBody(body);
        refuseDtd(body, text);
      } catch (err) {
        if (err instanceof CapError) throw new AppError(err.statusCode, err.code, err.message, err.details);
        throw err;
      }
      let alert: ReturnType<typeof parseCap>;
      try {
        alert = parseCap(text);
      } catch (err) {
        if (err instanceof CapError) throw new AppError(err.statusCode, err.code, err.message, err.details);
        throw err;
      }
      const dup = store.capMessage(alert.sender, alert.identifier);
      if (dup) {
        return {
          status: 200,
          body: {
            reason: `Duplicate: message ${alert.identifier} from ${alert.sender} was already received; not announced again.`,
            ...(dup.announcementId !== null ? { announcementId: dup.announcementId } : {}),
          },
        };
      }
      const record = (announcementId: number | null, outcome: string) =>
        store.insertCapMessage(
          {
            sender: alert.sender,
            identifier: alert.identifier,
            sent: alert.sent,
            msgType: alert.msgType,
            status: alert.status,
            announcementId,
            outcome,
          },
          clock.now(),
        );
      const nothing = (reason: string, extra: { announcementIds?: number[] } = {}): CapResult => {
        record(extra.announcementIds?.[0] ?? null, reason);
        return { status: 200, body: { reason, ...extra } };
      };
      if (alert.status === 'Draft' || alert.status === 'System')
        return nothing(`Status ${alert.status}: not for the public; nothing to announce.`);
      if (alert.msgType === 'Ack' || alert.msgType === 'Error')
        return nothing(`msgType ${alert.msgType}: nothing to announce.`);
      if (alert.scope !== 'Public')
        return nothing(`Scope ${alert.scope}: only public alerts are announced on terminals.`);

      const referenced = [
        ...new Set(
          alert.references
            .map((r) => store.capMessage(r.sender, r.identifier)?.announcementId ?? null)
            .filter((id): id is number => id !== null),
        ),
      ]
        .map((id) => store.get(id))
        .filter(
          (a): a is AnnouncementRecord =>
            a !== undefined &&
            (a.status === 'published' || a.status === 'scheduled' || a.status === 'pending_approval'),
        );

      if (alert.msgType === 'Cancel') {
        if (referenced.length === 0)
          return nothing('Cancel: the referenced messages are not (or no longer) announced; nothing to cancel.');
        for (const a of referenced) cancelRecord(a);
        ctx.audit.record({
          actor,
          action: 'cap.cancel',
          target: `announcements:${referenced.map((a) => a.id).join(',')}`,
          detail: alert.identifier,
        });
        return nothing(`Cancelled announcement ${referenced.map((a) => a.id).join(', ')}.`, {
          announcementIds: referenced.map((a) => a.id),
        });
      }
      if (alert.infos.length === 0) return nothing('The message has no info block: valid CAP, nothing to announce.');
      const mapped = capToAnnouncement(alert);
      const now = clock.now();
      if (mapped.expiresAt !== null && mapped.expiresAt <= now)
        return nothing('The alert has already expired: nothing to announce.');
      const districtIds = matchDistricts(mapped.areas, households.listDistricts(), service.centroids());
      const target: AnnouncementTarget = districtIds.length > 0 ? { type: 'districts', districtIds } : { type: 'all' };

      if (alert.msgType === 'Update' && referenced.length > 0) {
        for (const a of referenced) {
          store.updateContent(
            a.id,
            {
              kind: mapped.kind,
              test: mapped.test,
              titleJa: mapped.titleJa,
              bodyJa: mapped.bodyJa,
              titleEn: mapped.titleEn,
              bodyEn: mapped.bodyEn,
              expiresAt: mapped.expiresAt,
              safetyCheck: mapped.safetyCheck,
            },
            now,
          );
          const rec = afterUpdate(load(a.id));
          // A wider area reaches more households; nobody who already had it loses it.
          if (rec.status === 'published' && rec.target.type !== 'all') {
            const added = store.addTargets(rec.id, store.resolveTarget(target));
            const payload: TerminalAnnouncement = { ...content(rec), acknowledged: false, safetyAnswer: null };
            if (target.type === 'all')
              ctx.sockets.terminals.to(rooms.allTerminals).emit('announcement:published', payload);
            else if (added.length)
              ctx.sockets.terminals.to(added.map(rooms.household)).emit('announcement:published', payload);
          }
        }
        record(referenced[0]!.id, 'updated');
        ctx.audit.record({
          actor,
          action: 'cap.update',
          target: `announcements:${referenced.map((a) => a.id).join(',')}`,
          detail: alert.identifier,
        });
        return { status: 201, body: { announcementId: referenced[0]!.id } };
      }

      // A new alert (or an Update of something we never announced: announce it now).
      const id = store.transaction(() => {
        const newId = store.insert({
          kind: mapped.kind,
          test: mapped.test,
          titleJa: mapped.titleJa,
          bodyJa: mapped.bodyJa,
          titleEn: mapped.titleEn,
          bodyEn: mapped.bodyEn,
          audioId: null,
          audioMime: null,
          safetyCheck: mapped.safetyCheck,
          target,
          status: 'scheduled',
          sendAt: null,
          expiresAt: mapped.expiresAt,
          source: 'cap',
          capCategory: mapped.category,
          createdBy: actor,
          approvedBy: null,
          createdAt: now,
        });
        record(newId, 'announced');
        return newId;
      });
      // Automated alerts from national/prefectural systems go out at once: the two-person rule is for people.
      publishNow(load(id));
      ctx.audit.record({
        actor,
        action: 'cap.alert',
        target: `announcement:${id}`,
        detail: `${alert.sender} ${alert.identifier} → ${mapped.kind}${mapped.test ? ' (test)' : ''}`,
      });
      return { status: 201, body: { announcementId: id } };
    },

    capXml(id) {
      const a = load(id);
      const sender = capSender();
      const tz = ctx.config.timeZone;
      const first = a.publishedAt ?? a.createdAt;
      const msgType = a.status === 'cancelled' ? 'Cancel' : a.version > 1 ? 'Update' : 'Alert';
      const identifier =
        msgType === 'Alert'
          ? `tsunagu-${a.id}`
          : msgType === 'Update'
            ? `tsunagu-${a.id}-v${a.version}`
            : `tsunagu-${a.id}-cancel`;
      const districts = new Map(households.listDistricts().map((d) => [d.id, d]));
      const areaJa =
        a.target.type === 'all'
          ? '全域'
          : a.target.type === 'districts'
            ? a.target.districtIds.map((d) => districts.get(d)?.name ?? String(d)).join('、')
            : a.target.type === 'groups'
              ? '避難行動要支援者の世帯'
              : '指定された世帯';
      const areaEn =
        a.target.type === 'all'
          ? 'Whole city'
          : a.target.type === 'districts'
            ? a.target.districtIds.map((d) => districts.get(d)?.nameEn ?? String(d)).join(', ')
            : a.target.type === 'groups'
              ? 'Households needing assistance'
              : 'Selected households';
      const geocodes =
        a.target.type === 'districts'
          ? a.target.districtIds.flatMap((d) =>
              districts.get(d) ? [{ valueName: 'TSUNAGU-DISTRICT', value: districts.get(d)!.code }] : [],
            )
          : [];
      const common = {
        category: a.capCategory && (CATEGORY as readonly string[]).includes(a.capCategory) ? a.capCategory : 'Other',
        ...PARAMS[a.kind],
        expires: a.expiresAt === null ? null : capDateTime(a.expiresAt, tz),
        responseType: null,
        geocodes,
      };
      const infos: CapExport['infos'] = [
        {
          ...common,
          language: 'ja-JP',
          event: a.titleJa,
          senderName: '市役所',
          headline: a.titleJa,
          description: a.bodyJa,
          areaDesc: areaJa,
        },
      ];
      if (a.titleEn || a.bodyEn) {
        infos.push({
          ...common,
          language: 'en-US',
          event: a.titleEn ?? a.titleJa,
          senderName: 'City hall',
          headline: a.titleEn ?? a.titleJa,
          description: a.bodyEn ?? a.titleEn ?? a.bodyJa,
          areaDesc: areaEn,
        });
      }
      return buildCapXml({
        identifier,
        sender,
        sent: capDateTime(msgType === 'Alert' ? first : a.updatedAt, tz),
        status: a.test ? 'Exercise' : 'Actual',
        msgType,
        references: msgType === 'Alert' ? null : `${sender},tsunagu-${a.id},${capDateTime(first, tz)}`,
        infos,
      });
    },

    storeAudio(data) {
      const mimeType = sniffAudio(data);
      if (!mimeType) {
        throw new AppError(
          415,
          'AUDIO_TYPE_UNSUPPORTED',
          'This file is not a recording we can play. Upload WAV, MP3, Ogg, WebM or M4A audio.',
        );
      }
      fs.mkdirSync(audioDir, { recursive: true });
      const audioId = randomBytes(16).toString('hex');
      fs.writeFileSync(audioPath(audioId), data, { flag: 'wx' });
      return { audioId, mimeType, bytes: data.length };
    },

    audioFile(id) {
      const a = load(id);
      if (!a.audioId || !a.audioMime) return null;
      const file = audioPath(a.audioId);
      return fs.existsSync(file) ? { file, mimeType: a.audioMime } : null;
    },

    start() {
      for (const a of store.byStatus('scheduled')) armSchedule(a);
      for (const a of store.byStatus('published')) armExpiry(a);
    },

    stop() {
      for (const t of [...scheduleTimers.values(), ...expiryTimers.values()]) t.cancel();
      scheduleTimers.clear();
      expiryTimers.clear();
      batcher.flush();
      if (countsTimer) clearTimeout(countsTimer);
      countsTimer = null;
      batcher.close();
    },
  };

  function afterUpdate(rec: AnnouncementRecord): AnnouncementRecord {
    if (rec.status === 'published') {
      if (rec.expiresAt !== null && rec.expiresAt <= clock.now()) {
        expire(rec.id);
        return load(rec.id);
      }
      const payload: TerminalAnnouncement = { ...content(rec), acknowledged: false, safetyAnswer: null };
      terminalsFor(rec, store.targetHouseholdIds(rec.id))?.emit('announcement:updated', payload);
      armExpiry(rec);
    }
    notifyStaff(rec);
    return rec;
  }

  function cancelRecord(a: AnnouncementRecord) {
    const now = clock.now();
    store.setStatus(a.id, 'cancelled', now, { cancelledAt: now });
    scheduleTimers.get(a.id)?.cancel();
    scheduleTimers.delete(a.id);
    expiryTimers.get(a.id)?.cancel();
    expiryTimers.delete(a.id);
    if (a.status === 'published') withdraw(a, 'cancelled');
    notifyStaff(load(a.id));
  }

  return service;
}
