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
import type { HouseholdReads } from '../households/sqlite-reads';
import { createVoiceClips } from './audio';
import { announcementToCap } from './cap/export';
import { type CapKey, type CapResult, createCapGateway } from './cap/gateway';
import { createCatchUp, notifyingWrites } from './catch-up';
import { createCompose } from './compose';
import { createDelivery } from './delivery';
import { EmergencyMemory } from './emergency-memory';
import type { Sender } from './policy';
import type { ReceiptsStore } from './receipt-store';
import { createReceipts } from './receipts';
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
  approve(id: number, actor: string): Announcement;
  /** New content, applied or held for a fresh approval as the policy decides. */
  update(id: number, body: UpdateAnnouncementBody, sender: Sender): Promise<Announcement>;
  cancel(id: number): Announcement;
  get(id: number): Announcement;
  list(limit: number): Announcement[];
  preview(target: AnnouncementTarget): TargetPreview;
  counts(id: number): ReceiptCounts;
  followUps(id: number, sort: 'district' | 'needsAssistance'): Promise<FollowUpHousehold[]>;
  settings(): AnnouncementSettings;
  /** District centroids used to match CAP polygons and circles. */
  centroids(): DistrictCentroid[];
  setCentroids(list: DistrictCentroid[]): DistrictCentroid[];
  setSettings(s: AnnouncementSettings): AnnouncementSettings;
  /** What a terminal of this household should show now, oldest first. */
  forHousehold(householdId: number): Promise<TerminalAnnouncement[]>;
  receipt(terminal: { terminalId: number; householdId: number }, p: ReceiptPayload): Promise<void>;
  /** The sender a request comes from: a person, or an API key with the policy city hall set for it. */
  senderFor(principal: Principal | null): Promise<Sender>;
  senderPolicies(): Promise<SenderPolicy[]>;
  setSenderPolicy(apiKeyId: number, body: SenderPolicyBody, by: string): Promise<SenderPolicy>;
  /** A CAP message from an alerting system's API key. */
  ingestCap(body: Buffer, key: CapKey): Promise<CapResult>;
  capXml(id: number): string;
  storeAudio(data: Buffer): { audioId: string; mimeType: string; bytes: number };
  audioFile(id: number): { file: string; mimeType: string } | null;
  /** Re-arms schedules and expiries from the database (hub start). */
  start(): void;
  /** Stops timers and commits queued receipts. */
  stop(): Promise<void>;
}

export interface AnnouncementsDeps {
  store: AnnouncementsStore;
  receipts: ReceiptsStore;
  senders: SendersStore;
  households: HouseholdReads;
  apiKeyExists(id: number): boolean;
  /** The hub's voice: clips are made before an announcement is sent. */
  speech: AnnouncementSpeech;
}

export function createAnnouncementsService(ctx: HubContext, deps: AnnouncementsDeps): AnnouncementsService {
  const { households } = deps;
  // Every write through the store may change what terminals are sent on connect (catch-up.ts).
  const store = notifyingWrites(deps.store, () => catchUp.changed());
  const catchUp = createCatchUp(store, deps.receipts);
  const settings = createSettings(store, households);
  const clips = createVoiceClips(ctx.config.dataDir);
  const emergencies = new EmergencyMemory();
  const delivery = createDelivery(ctx, store, emergencies);
  const receipts = createReceipts(ctx, store, deps.receipts);
  const compose = createCompose({
    clock: ctx.clock,
    store,
    households,
    delivery,
    clips,
    speech: deps.speech,
    settings: settings.get,
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

  const withCounts = (id: number) => {
    const a = store.withCounts(id);
    if (!a) throw notFound('announcement');
    return a;
  };

  return {
    create: compose.create,
    approve: compose.approve,
    update: compose.update,
    cancel: compose.cancel,
    preview: compose.preview,
    get(id) {
      const a = withCounts(id);
      return staffView(a, a.counts, a.revision);
    },
    list: (limit) => store.listWithCounts(limit).map((a) => staffView(a, a.counts, a.revision)),
    counts: (id) => withCounts(id).counts,
    async followUps(id, sort) {
      const a = compose.load(id);
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
    capXml: (id) =>
      announcementToCap(compose.load(id), {
        publicUrl: ctx.config.publicUrl,
        timeZone: ctx.config.timeZone,
        districts: households.listDistricts(),
      }),
    storeAudio: clips.store,
    audioFile(id) {
      const a = compose.load(id);
      if (!a.audioId || !a.audioMime) return null;
      const file = clips.file(a.audioId);
      return file ? { file, mimeType: a.audioMime } : null;
    },
    start: delivery.start,
    async stop() {
      delivery.stop();
      await receipts.stop();
    },
  };
}
