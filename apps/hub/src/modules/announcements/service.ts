/**
 * The announcements service: one interface over the parts that do the work — compose (with the
 * guards against human error), delivery (publish, timers, withdraw), receipts (group commit and
 * live counts), the CAP gateway and export, voice clips, settings and the views.
 */
import type {
  Announcement,
  AnnouncementSettings,
  AnnouncementTarget,
  CreateAnnouncementBody,
  DistrictCentroid,
  FollowUpHousehold,
  ReceiptCounts,
  ReceiptPayload,
  SenderPolicy,
  SenderPolicyBody,
  TargetPreview,
  TerminalAnnouncement,
  UpdateAnnouncementBody,
} from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { notFound } from '../../lib/errors';
import type { Principal } from '../../lib/principal';
import type { HouseholdsStore } from '../households/store';
import { createVoiceClips } from './audio';
import { announcementToCap } from './cap/export';
import { type CapKey, type CapResult, createCapGateway } from './cap/gateway';
import { createCatchUp, notifyingWrites } from './catch-up';
import { createCompose } from './compose';
import { ANNOUNCEMENT_TIMERS_CHANNEL, ANNOUNCEMENTS_CHANNEL, createDelivery, type Delivery } from './delivery';
import { EmergencyMemory } from './emergency-memory';
import type { Sender } from './policy';
import type { ReceiptsStore } from './receipt-store';
import { createReceipts } from './receipts';
import type { Recording, RecordingsStore } from './recording-store';
import type { SendersStore } from './sender-store';
import { createSenders } from './senders';
import { createSettings } from './settings';
import type { AnnouncementSpeech } from './speech';
import type { AnnouncementsStore } from './store';
import { staffView } from './views';

export type { CapResult } from './cap/gateway';
export type { Sender } from './policy';

export interface AnnouncementsService {
  /**
   * Creates one as the policy decides for this sender (see policy.ts): sent, scheduled or held for
   * approval. Resolves once the hub's voice clip is made (or given up on) and it is stored and sent.
   */
  create(body: CreateAnnouncementBody, sender: Sender, source?: 'console' | 'jma'): Promise<Announcement>;
  /** Approves one waiting for approval, or the held change of a published one (by a second person). */
  approve(id: number, actor: string): Promise<Announcement>;
  /** New content, applied or held for a fresh approval as the policy decides. */
  update(id: number, body: UpdateAnnouncementBody, sender: Sender): Promise<Announcement>;
  cancel(id: number): Promise<Announcement>;
  get(id: number): Promise<Announcement>;
  list(limit: number): Promise<Announcement[]>;
  preview(target: AnnouncementTarget): Promise<TargetPreview>;
  counts(id: number): Promise<ReceiptCounts>;
  followUps(id: number, sort: 'district' | 'needsAssistance'): Promise<FollowUpHousehold[]>;
  settings(): Promise<AnnouncementSettings>;
  /** District centroids used to match CAP polygons and circles. */
  centroids(): Promise<DistrictCentroid[]>;
  setCentroids(list: DistrictCentroid[]): Promise<DistrictCentroid[]>;
  setSettings(s: AnnouncementSettings): Promise<AnnouncementSettings>;
  /** What a terminal of this household should show now, oldest first. */
  forHousehold(householdId: number): Promise<TerminalAnnouncement[]>;
  receipt(terminal: { terminalId: number; householdId: number }, p: ReceiptPayload): Promise<void>;
  /**
   * True when the published announcements kept in memory (the catch-up list) target this household;
   * undefined when they do not say (not read yet, not kept, not targeted as far as they know).
   */
  targetedNow(announcementId: number, householdId: number): true | undefined;
  /** The sender a request comes from: a person, or an API key with the policy city hall set for it. */
  senderFor(principal: Principal | null): Promise<Sender>;
  senderPolicies(): Promise<SenderPolicy[]>;
  setSenderPolicy(apiKeyId: number, body: SenderPolicyBody, by: string): Promise<SenderPolicy>;
  /** A CAP message from an alerting system's API key. */
  /** `ip`: the address of the request that posted it (the audit log's). */
  ingestCap(body: Buffer, key: CapKey, ip: string | null): Promise<CapResult>;
  capXml(id: number): Promise<string>;
  storeAudio(data: Buffer): Promise<{ audioId: string; mimeType: string; bytes: number }>;
  /** City hall's recording of announcement `id`, or null when it has none. */
  audio(id: number): Promise<Recording | null>;
  /** Moves the recordings an older hub kept as files into the database (audio.ts). */
  importRecordings(): Promise<number>;
  /** Reads the published emergencies into memory (hub start). */
  start(): Promise<void>;
  /**
   * The send-time and expiry timers: a job of `ctx.jobs`, so one hub among several runs them
   * (see delivery.ts); `ready` settles once a started job has armed them from the database.
   */
  timers: Delivery['timers'];
  /** Stops timers and commits queued receipts. */
  stop(): Promise<void>;
}

export interface AnnouncementsDeps {
  store: AnnouncementsStore;
  receipts: ReceiptsStore;
  senders: SendersStore;
  recordings: RecordingsStore;
  households: HouseholdsStore;
  apiKeyExists(id: number): Promise<boolean>;
  /** The hub's voice: clips are made before an announcement is sent. */
  speech: AnnouncementSpeech;
}

export function createAnnouncementsService(ctx: HubContext, deps: AnnouncementsDeps): AnnouncementsService {
  const { households } = deps;
  // Every write through the store may change what terminals are sent on connect (catch-up.ts) and
  // which clip an announcement says (speech/spoken.ts).
  const store = notifyingWrites(deps.store, () => {
    catchUp.changed();
    deps.speech.forget();
  });
  const catchUp = createCatchUp(store, deps.receipts);
  const settings = createSettings(store, households);
  const clips = createVoiceClips(deps.recordings, { dataDir: ctx.config.dataDir, clock: ctx.clock, log: ctx.log });
  const emergencies = new EmergencyMemory();
  const delivery = createDelivery(ctx, store, emergencies);
  const receipts = createReceipts(ctx, store, deps.receipts, catchUp.targeted);
  const compose = createCompose({
    clock: ctx.clock,
    store,
    households,
    delivery,
    clips,
    speech: deps.speech,
    settings: settings.get,
    log: ctx.log,
  });
  const senders = createSenders(deps.senders, { clock: ctx.clock, apiKeyExists: deps.apiKeyExists });
  const ingestCap = createCapGateway(ctx, {
    store,
    households,
    compose,
    delivery,
    senders,
    speech: deps.speech,
    centroids: settings.centroids,
  });

  const withCounts = async (id: number) => {
    const a = await store.withCounts(id);
    if (!a) throw notFound('announcement');
    return a;
  };

  // Another hub changed an announcement terminals see: its catch-up list and emergency memory here
  // read it again (no-ops on SQLite, where this hub is the only one).
  const logged = (what: string) => (err: unknown) => ctx.log.error({ err }, `${what} failed`);
  ctx.changes.subscribe(ANNOUNCEMENTS_CHANNEL, {
    onChange(key) {
      catchUp.changed();
      delivery.heard(Number(key)).catch(logged('reading an announcement another hub changed'));
    },
    onReset() {
      catchUp.changed();
      delivery.heardAll().catch(logged('reading the published announcements again'));
    },
  });
  // A hub changed a send time or an expiry: the hub running the timers re-arms them.
  ctx.changes.subscribe(ANNOUNCEMENT_TIMERS_CHANNEL, {
    onChange: (key) => void delivery.rearm(Number(key)),
    onReset: () => void delivery.rearmAll(),
  });

  return {
    targetedNow: catchUp.targeted,
    create: compose.create,
    approve: compose.approve,
    update: compose.update,
    cancel: compose.cancel,
    preview: compose.preview,
    async get(id) {
      const a = await withCounts(id);
      return staffView(a, a.counts, a.revision);
    },
    list: async (limit) => (await store.listWithCounts(limit)).map((a) => staffView(a, a.counts, a.revision)),
    counts: async (id) => (await withCounts(id)).counts,
    async followUps(id, sort) {
      const a = await compose.load(id);
      return receipts.followUps(id, a.safetyCheck, sort);
    },
    settings: settings.get,
    setSettings: settings.set,
    centroids: settings.centroids,
    setCentroids: settings.setCentroids,
    async forHousehold(householdId) {
      try {
        return await catchUp.forHousehold(householdId, ctx.clock.now());
      } catch (err) {
        // The database cannot even be read: published emergencies still go out, from memory.
        if (!ctx.storage.reportFailure(err, 'announcement catch-up list'))
          ctx.log.error({ err }, 'announcement catch-up list failed: sending the emergencies kept in memory');
        return emergencies.forHousehold(householdId);
      }
    },
    receipt: receipts.record,
    senderFor: senders.of,
    senderPolicies: senders.list,
    setSenderPolicy: senders.set,
    ingestCap,
    capXml: async (id) =>
      announcementToCap(await compose.load(id), {
        publicUrl: ctx.config.publicUrl,
        timeZone: ctx.config.timeZone,
        districts: await households.listDistricts(),
      }),
    storeAudio: clips.store,
    async audio(id) {
      const a = await compose.load(id);
      return a.audioId ? clips.recording(a.audioId) : null;
    },
    importRecordings: clips.importFiles,
    start: delivery.rememberAll,
    timers: delivery.timers,
    async stop() {
      await delivery.stop();
      await receipts.stop();
    },
  };
}
