/**
 * Composing: create, approve, update and cancel announcements from the console and REST, with the
 * guards against human error, and the target preview.
 */
import type {
  Announcement,
  AnnouncementSettings,
  AnnouncementTarget,
  CreateAnnouncementBody,
  TargetPreview,
  UpdateAnnouncementBody,
} from '@tsunagu/protocol';
import type { Clock } from '../../lib/clock';
import { AppError, badRequest, notFound } from '../../lib/errors';
import type { HouseholdsStore } from '../households/store';
import type { VoiceClips } from './audio';
import type { Delivery } from './delivery';
import type { AnnouncementSpeech } from './speech';
import type { AnnouncementRecord, AnnouncementsStore } from './store';

export interface Compose {
  create(body: CreateAnnouncementBody, actor: { name: string; isUser: boolean }): Promise<Announcement>;
  approve(id: number, actor: string): Announcement;
  update(id: number, body: UpdateAnnouncementBody): Promise<Announcement>;
  cancel(id: number): Announcement;
  preview(target: AnnouncementTarget): TargetPreview;
  /** Refuses a target naming districts or households that do not exist. */
  checkTarget(target: AnnouncementTarget): void;
  load(id: number): AnnouncementRecord;
}

export interface ComposeDeps {
  clock: Clock;
  store: AnnouncementsStore;
  households: HouseholdsStore;
  delivery: Delivery;
  clips: VoiceClips;
  speech: Pick<AnnouncementSpeech, 'prepare' | 'readings' | 'setReadings'>;
  settings: () => AnnouncementSettings;
}

function parseTime(value: string | undefined | null, field: string): number | null {
  if (value === undefined || value === null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw badRequest('VALIDATION_FAILED', `${field} is not a valid date and time.`, [
      { path: `body.${field}`, message: 'is not a date-time' },
    ]);
  return ms;
}

export function createCompose(deps: ComposeDeps): Compose {
  const { clock, store, households, delivery, clips, speech } = deps;

  const load = (id: number) => {
    const a = store.get(id);
    if (!a) throw notFound('announcement');
    return a;
  };

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

  return {
    load,
    checkTarget,

    async create(body, actor) {
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
      const audioMime = body.audioId ? clips.check(body.audioId) : null;
      const needsApproval = body.kind === 'emergency' && deps.settings().requireEmergencyApproval;
      const a = {
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
        status: needsApproval ? ('pending_approval' as const) : ('scheduled' as const),
        sendAt,
        expiresAt,
        source: 'console' as const,
        capCategory: null,
        createdBy: actor.name,
        approvedBy: null,
        createdAt: now,
      };
      const readings = body.readings ?? [];
      // The hub's voice clip exists before the announcement goes out (also one sent later).
      await speech.prepare(a, readings);
      if (!needsApproval && (sendAt === null || sendAt <= now))
        return delivery.publishNew(a, (stored) => {
          if (readings.length) speech.setReadings(stored.id, readings);
        });
      const stored = store.add(a);
      if (readings.length) speech.setReadings(stored.id, readings);
      return delivery.release(stored);
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
      return delivery.release(store.setStatus(id, 'scheduled', clock.now(), { approvedBy: actor }));
    },

    async update(id, body) {
      const closed = (a: AnnouncementRecord) => {
        if (a.status === 'cancelled' || a.status === 'expired') {
          throw new AppError(
            409,
            'ANNOUNCEMENT_CLOSED',
            `This announcement has been ${a.status} and can no longer be changed.`,
          );
        }
      };
      closed(load(id));
      const now = clock.now();
      const expiresAt = body.expiresAt === undefined ? undefined : parseTime(body.expiresAt, 'expiresAt');
      if (expiresAt != null && expiresAt <= now) {
        throw badRequest('EXPIRY_IN_PAST', 'The expiry must be in the future. To take it down now, cancel it.', [
          { path: 'body.expiresAt', message: 'must be in the future' },
        ]);
      }
      const patch = {
        ...(body.titleJa !== undefined ? { titleJa: body.titleJa } : {}),
        ...(body.bodyJa !== undefined ? { bodyJa: body.bodyJa } : {}),
        ...(body.titleEn !== undefined ? { titleEn: body.titleEn } : {}),
        ...(body.bodyEn !== undefined ? { bodyEn: body.bodyEn } : {}),
        ...(body.safetyCheck !== undefined ? { safetyCheck: body.safetyCheck } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      };
      const readings = body.readings ?? speech.readings(id);
      await speech.prepare({ ...load(id), ...patch }, readings);
      // It may have been cancelled while the clip was being made.
      closed(load(id));
      if (body.readings) speech.setReadings(id, body.readings);
      return delivery.changed(store.updateContent(id, patch, clock.now()));
    },

    cancel(id) {
      const a = load(id);
      if (a.status === 'cancelled' || a.status === 'expired') {
        throw new AppError(409, 'ANNOUNCEMENT_CLOSED', `This announcement has already been ${a.status}.`);
      }
      return delivery.cancel(a);
    },

    preview(target) {
      checkTarget(target);
      const ids = store.resolveTarget(target);
      const t = store.countTerminals(ids);
      return { households: ids.length, terminals: t.terminals, onlineTerminals: t.online };
    },
  };
}
