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
import type { Alongside, Delivery } from './delivery';
import { decideAnnouncement, type Sender } from './policy';
import type { AnnouncementSpeech } from './speech';
import type { AnnouncementRecord, AnnouncementsStore, ContentPatch, NewAnnouncement } from './store';

export interface Compose {
  /**
   * Resolves once the hub's voice clip is made (or given up on) and the announcement is stored and
   * sent. `source` is never from a request body: only the hub's own JMA reader passes 'jma'.
   */
  create(body: CreateAnnouncementBody, sender: Sender, source?: 'console' | 'jma'): Promise<Announcement>;
  /**
   * A new announcement from any path (console, REST, CAP, feeds), as the policy decides: sent now
   * or at its time, or held for approval. `alongside` is stored in the same transaction.
   */
  submit(
    a: Submission,
    sender: Sender,
    options?: { confirmWholeCity?: boolean; alongside?: Alongside },
  ): Promise<Announcement>;
  approve(id: number, actor: string): Promise<Announcement>;
  update(id: number, body: UpdateAnnouncementBody, sender: Sender): Promise<Announcement>;
  /**
   * New content from any path (REST edit, CAP Update), applied or held for a fresh approval as the
   * policy decides; `alongside` is stored in the same unit of work as the new content.
   */
  revise(
    a: AnnouncementRecord,
    patch: ContentPatch,
    sender: Sender,
    widenTo?: AnnouncementTarget | null,
    alongside?: Alongside,
  ): Promise<Announcement>;
  cancel(id: number): Promise<Announcement>;
  preview(target: AnnouncementTarget): Promise<TargetPreview>;
  /** Refuses a target naming districts or households that do not exist. */
  checkTarget(target: AnnouncementTarget): Promise<void>;
  load(id: number): Promise<AnnouncementRecord>;
}

/** A new announcement before the policy has decided its status and the sender is known. */
export type Submission = Omit<NewAnnouncement, 'status' | 'createdBy' | 'approvedBy' | 'createdAt'>;

export interface ComposeDeps {
  clock: Clock;
  store: AnnouncementsStore;
  households: HouseholdsStore;
  delivery: Delivery;
  clips: VoiceClips;
  speech: Pick<AnnouncementSpeech, 'prepare' | 'readings' | 'setReadings'>;
  settings: () => Promise<AnnouncementSettings>;
  /** Where an earthquake early warning's clip, made after it went out, reports a failure. */
  log: { error(obj: unknown, msg?: string): void };
}

const sameAccount = () =>
  new AppError(403, 'APPROVAL_SAME_ACCOUNT', 'A second city hall account must approve what this account wrote.');

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

  const load = async (id: number) => {
    const a = await store.get(id);
    if (!a) throw notFound('announcement');
    return a;
  };

  async function checkTarget(target: AnnouncementTarget) {
    if (target.type === 'districts') {
      const unknown: number[] = [];
      for (const id of target.districtIds) if (!(await households.districtExists(id))) unknown.push(id);
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_DISTRICT',
          `No such district: ${unknown.join(', ')}.`,
          unknown.map((id) => ({ path: 'body.target.districtIds', message: `district ${id} does not exist` })),
        );
      }
    }
    if (target.type === 'households') {
      const known = new Set(await store.resolveTarget(target));
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

  async function submit(
    a: Submission,
    sender: Sender,
    options: { confirmWholeCity?: boolean; alongside?: Alongside } = {},
  ): Promise<Announcement> {
    const decision = decideAnnouncement(
      { action: 'create', sender, kind: a.kind, target: a.target, confirmWholeCity: options.confirmWholeCity },
      await deps.settings(),
    );
    const now = clock.now();
    const record: NewAnnouncement = {
      ...a,
      status: decision.outcome === 'hold' ? 'pending_approval' : 'scheduled',
      createdBy: sender.name,
      approvedBy: null,
      createdAt: now,
    };
    if (decision.outcome === 'send' && (a.sendAt === null || a.sendAt <= now))
      return delivery.publishNew(record, options.alongside);
    const stored = await store.transaction(async (tx) => {
      const r = await tx.add(record);
      await options.alongside?.(r, tx);
      return r;
    });
    return delivery.release(stored);
  }

  async function revise(
    a: AnnouncementRecord,
    patch: ContentPatch,
    sender: Sender,
    widenTo: AnnouncementTarget | null = null,
    alongside?: Alongside,
  ): Promise<Announcement> {
    const decision = decideAnnouncement(
      { action: 'change', sender, kind: patch.kind ?? a.kind, current: a },
      await deps.settings(),
    );
    const now = clock.now();
    if (decision.outcome === 'send') {
      const updated = await store.transaction(async (tx) => {
        const u = await tx.updateContent(a.id, patch, now);
        await alongside?.(u, tx);
        // Every hub hears of the new content when it commits (and tells its terminals: delivery.ts).
        await delivery.noticeIn(tx, a.id);
        return a.approvedBy === null ? u : tx.clearApproval(a.id, u.status);
      });
      return delivery.changed(updated, widenTo);
    }
    if (a.status === 'published') {
      // Terminals go on showing what was approved; the change waits for a second person.
      await store.transaction(async (tx) => {
        const prior = (await tx.revision(a.id))?.change;
        const change = { patch: { ...prior?.patch, ...patch }, widenTo: widenTo ?? prior?.widenTo ?? null };
        await tx.setRevision(a.id, { change, revisedBy: sender.name, revisedAt: now });
        if (a.approvedBy !== null) await tx.clearApproval(a.id, a.status);
        await alongside?.(a, tx);
      });
      return delivery.notify(a.id);
    }
    // Not sent yet: the new content waits for approval in its place (a schedule waits with it).
    await store.transaction(async (tx) => {
      const u = await tx.updateContent(a.id, patch, now);
      await tx.setRevision(a.id, { change: null, revisedBy: sender.name, revisedAt: now });
      await tx.clearApproval(a.id, 'pending_approval');
      await alongside?.(u, tx);
    });
    return delivery.notify(a.id);
  }

  return {
    load,
    checkTarget,
    submit,
    revise,

    async create(body, sender, source = 'console') {
      const now = clock.now();
      const sendAt = parseTime(body.sendAt, 'sendAt');
      const expiresAt = parseTime(body.expiresAt, 'expiresAt');
      if (expiresAt !== null && expiresAt <= Math.max(now, sendAt ?? now)) {
        throw badRequest('EXPIRY_IN_PAST', 'The expiry must be after the time it is sent.', [
          { path: 'body.expiresAt', message: 'must be later than the send time' },
        ]);
      }
      await checkTarget(body.target);
      if (body.tone === 'eew' && body.kind !== 'emergency')
        throw badRequest('TONE_NEEDS_EMERGENCY', 'The EEW chime is for emergencies only.', [
          { path: 'body.tone', message: 'needs kind emergency' },
        ]);
      const audioMime = body.audioId ? await clips.check(body.audioId) : null;
      const a: Submission = {
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
        sendAt,
        expiresAt,
        source,
        capCategory: null,
        tone: body.tone ?? null,
      };
      // Refused before any clip is made (the whole-city confirmation).
      decideAnnouncement(
        { action: 'create', sender, kind: a.kind, target: a.target, confirmWholeCity: body.confirmWholeCity },
        await deps.settings(),
      );
      const readings = body.readings ?? [];
      // The hub's voice clip exists before the announcement goes out (also one sent later) — except
      // for an earthquake early warning, where seconds count: terminals speak it themselves until
      // the clip is made (a fixed EEW text is made once and is ready the next time).
      const clip = speech.prepare(a, readings);
      if (a.tone !== 'eew') await clip;
      // Not awaited: its failure (the database lost meanwhile, the hub stopping) must not become an
      // unhandled rejection, which would stop the hub in the middle of an earthquake.
      else clip.catch((err: unknown) => deps.log.error({ err }, 'the early warning’s voice clip was not made'));
      return submit(a, sender, {
        confirmWholeCity: body.confirmWholeCity,
        // The readings are stored in the same unit of work: a terminal that asks for the clip as
        // soon as it is sent is given the one made with them.
        alongside: async (stored, tx) => {
          if (readings.length) await speech.setReadings(stored.id, readings, tx.sql);
        },
      });
    },

    async approve(id, actor) {
      const a = await load(id);
      const revision = await store.revision(id);
      const now = clock.now();
      if (a.status === 'pending_approval') {
        // The two-person rule: whoever wrote the content as it stands cannot approve it.
        if ((revision?.revisedBy ?? a.createdBy) === actor) throw sameAccount();
        const approved = await store.transaction(async (tx) => {
          await tx.setRevision(id, null);
          return tx.setStatus(id, 'scheduled', now, { approvedBy: actor });
        });
        return delivery.release(approved);
      }
      const change = a.status === 'published' ? revision?.change : null;
      if (!change || !revision)
        throw new AppError(409, 'NOT_PENDING', 'This announcement is not waiting for approval.');
      if (revision.revisedBy === actor) throw sameAccount();
      const updated = await store.transaction(async (tx) => {
        await tx.updateContent(id, change.patch, now);
        await tx.setRevision(id, null);
        await delivery.noticeIn(tx, id);
        return tx.setStatus(id, 'published', now, { approvedBy: actor });
      });
      return delivery.changed(updated, change.widenTo);
    },

    async update(id, body, sender) {
      const closed = (a: AnnouncementRecord) => {
        if (a.status === 'cancelled' || a.status === 'expired') {
          throw new AppError(
            409,
            'ANNOUNCEMENT_CLOSED',
            `This announcement has been ${a.status} and can no longer be changed.`,
          );
        }
        return a;
      };
      const before = closed(await load(id));
      const expiresAt = body.expiresAt === undefined ? undefined : parseTime(body.expiresAt, 'expiresAt');
      if (expiresAt != null && expiresAt <= clock.now()) {
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
      const readings = body.readings ?? (await speech.readings(id));
      // The clip of the content as it will be sent (with a change already waiting for approval).
      await speech.prepare({ ...before, ...(await store.revision(id))?.change?.patch, ...patch }, readings);
      // It may have been cancelled while the clip was being made.
      const a = closed(await load(id));
      if (body.readings) await speech.setReadings(id, body.readings);
      return revise(a, patch, sender);
    },

    async cancel(id) {
      const a = await load(id);
      if (a.status === 'cancelled' || a.status === 'expired') {
        throw new AppError(409, 'ANNOUNCEMENT_CLOSED', `This announcement has already been ${a.status}.`);
      }
      return delivery.cancel(a);
    },

    async preview(target) {
      await checkTarget(target);
      const ids = await store.resolveTarget(target);
      const t = await store.countTerminals(ids);
      return { households: ids.length, terminals: t.terminals, onlineTerminals: t.online };
    },
  };
}
