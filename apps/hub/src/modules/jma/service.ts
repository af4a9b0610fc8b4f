/**
 * The JMA gateway: one telegram in, one decision out, recorded with its reason. Duplicates are
 * recorded once; 試験 is recorded only; 取消 withdraws what the same event's chain produced; a later
 * serial or 訂正 updates it; a lifted tsunami alert is withdrawn with a routine all-clear; a
 * telegram older than the age limit never announces (it may still withdraw).
 */
import { createHash } from 'node:crypto';
import type { JmaArea, JmaDecision, JmaPolicy, JmaSettings, JmaTelegramRecord } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import { badRequest } from '../../lib/errors';
import { areaProblems } from './areas';
import { DEFAULT_POLICY, fillTemplate, policyProblems } from './policy';
import { type Assessment, assess, familyOf, type Reason } from './rules';
import { type AlertDraft, type AlertSink, JMA_ACTOR } from './sink';
import type { ChainPosition, JmaStore, TelegramRecord } from './store';
import { parseTelegram, type Telegram } from './telegram';

export interface IngestFrom {
  source: 'api' | 'feed';
  /** The API key's name or the feed URL. */
  name: string;
  /** The address of the request that posted it; null for the feed (the hub fetched it). */
  ip: string | null;
}

export interface IngestResult {
  decision: JmaDecision | 'duplicate';
  telegramId: number;
  announcementId: number | null;
  withdrawnIds: number[];
  reasonJa: string;
  reasonEn: string;
}

export interface JmaService {
  /**
   * Reads, decides, acts and records. Rejects with JmaError (4xx) for a document that is not a
   * readable telegram. Telegrams of one event are handled one at a time, in arrival order.
   */
  ingest(raw: Buffer, from: IngestFrom): Promise<IngestResult>;
  settings(): Promise<JmaSettings>;
  updateSettings(change: { areas?: JmaArea[]; policy?: JmaPolicy }): Promise<JmaSettings>;
  list(limit: number, beforeId?: number): Promise<JmaTelegramRecord[]>;
  get(id: number): Promise<JmaTelegramRecord | undefined>;
  body(id: number): Promise<string | undefined>;
}

type Outcome = {
  decision: JmaDecision;
  reason: Reason;
  announcementId: number | null;
  withdrawnIds: number[];
};

const before = (a: ChainPosition, b: ChainPosition) =>
  a.reportAt !== b.reportAt
    ? a.reportAt < b.reportAt
    : (a.serial ?? -1) !== (b.serial ?? -1)
      ? (a.serial ?? -1) < (b.serial ?? -1)
      : a.sentAt < b.sentAt;

export function createJmaService(
  ctx: HubContext,
  deps: {
    store: JmaStore;
    sink: AlertSink;
    /**
     * Runs `work` while no other hub runs work of the same key (PostgreSQL: a transaction advisory
     * lock, released when the work ends or the hub's connection dies); absent on one hub (SQLite).
     */
    exclusive?: <T>(key: string, work: () => Promise<T>) => Promise<T>;
  },
): JmaService {
  const { store, sink } = deps;
  const exclusive = deps.exclusive ?? (<T>(_key: string, work: () => Promise<T>) => work());
  const telegrams = new Counter({
    name: 'tsunagu_jma_telegrams_total',
    help: 'JMA telegrams processed, by source and decision',
    labelNames: ['source', 'decision'],
    registers: [ctx.metrics.registry],
  });

  const areas = async (): Promise<{ areas: JmaArea[]; source: JmaSettings['areasSource'] }> => {
    const admin = (await store.getSetting('areas')) as JmaArea[] | undefined;
    if (admin) return { areas: admin, source: 'admin' };
    if (ctx.config.jma.areas) return { areas: ctx.config.jma.areas, source: 'environment' };
    return { areas: [], source: 'none' };
  };
  const policy = async (): Promise<JmaPolicy> =>
    ((await store.getSetting('policy')) as JmaPolicy | undefined) ?? DEFAULT_POLICY;

  function draftOf(
    a: Extract<Assessment, { action: 'announce' }>,
    t: Telegram,
    now: number,
    rules: JmaPolicy,
  ): AlertDraft {
    const text = fillTemplate(rules.templates[a.template], a.values);
    return drill(t, {
      kind: a.kind,
      test: false,
      ...text,
      safetyCheck: a.safetyCheck,
      expiresAt: a.expiresInMs === null ? null : now + a.expiresInMs,
      tone: a.tone,
    });
  }
  /** A 訓練 telegram makes a drill: the terminal heads it 訓練 and says 「これは訓練です」. */
  const drill = (t: Telegram, d: AlertDraft): AlertDraft => (t.mode === 'drill' ? { ...d, test: true } : d);

  const liveAnnouncement = async (chain: string): Promise<number | null> => {
    const id = await store.chainAnnouncement(chain);
    return id !== null && (await sink.isLive(id)) ? id : null;
  };
  const withdrawAll = async (ids: (number | null)[]) => {
    const withdrawn: number[] = [];
    for (const id of ids) if (id !== null && (await sink.withdraw(id))) withdrawn.push(id);
    return withdrawn;
  };

  async function decide(t: Telegram, chain: string | null, now: number): Promise<Outcome> {
    const none = (decision: JmaDecision, reason: Reason): Outcome => ({
      decision,
      reason,
      announcementId: null,
      withdrawnIds: [],
    });
    if (t.mode === 'test')
      return none('test', {
        code: 'TEST_STATUS',
        ja: '試験のための電文（試験）なので、記録だけして配信しません。',
        en: 'A test telegram (試験): recorded, never announced.',
      });
    const rules = await policy();
    const assessment = assess(t, (await areas()).areas, rules, ctx.config.timeZone);
    if (!chain) return none('ignored', assessment.reason);
    const latest = await store.chainLatest(chain);
    if (latest && before(t, latest))
      return none('superseded', {
        code: 'SUPERSEDED',
        ja: 'この地震・津波について、より新しい情報をすでに受け取っているため、反映しません。',
        en: 'A newer telegram about this event has already been received: this older one is not applied.',
      });
    const maxAge = ctx.config.jma.maxAgeSeconds;
    const ageSeconds = Math.round((now - t.reportAt) / 1000);
    const tooOld = maxAge > 0 && ageSeconds > maxAge;
    const active = await liveAnnouncement(chain);

    switch (assessment.action) {
      case 'cancel': {
        if (active === null)
          return none('ignored', {
            code: 'CANCEL_NOTHING',
            ja: `${assessment.reason.ja}取り消す放送はありません。`,
            en: `${assessment.reason.en} Nothing of it is on the terminals.`,
          });
        return {
          decision: 'withdrawn',
          reason: assessment.reason,
          announcementId: null,
          withdrawnIds: await withdrawAll([active]),
        };
      }
      case 'lift': {
        if (active === null)
          return none('ignored', {
            code: 'LIFT_NOTHING',
            ja: `${assessment.reason.ja}配信中の津波の放送はありません。`,
            en: `${assessment.reason.en} No tsunami alert is on the terminals.`,
          });
        const withdrawnIds = await withdrawAll([active]);
        if (!assessment.allClear || tooOld)
          return { decision: 'withdrawn', reason: assessment.reason, announcementId: null, withdrawnIds };
        const text = fillTemplate(rules.templates.allClear, assessment.values);
        const id = await sink.publish(
          drill(t, {
            kind: 'routine',
            test: false,
            ...text,
            safetyCheck: false,
            expiresAt: now + rules.noticeExpiresHours * 3_600_000,
            tone: null,
          }),
        );
        return {
          decision: 'all_clear',
          reason: {
            code: 'TSUNAMI_LIFTED',
            ja: `${assessment.reason.ja}警報の放送を取り下げ、解除のお知らせを配信します。`,
            en: `${assessment.reason.en} The alert is withdrawn and a routine all-clear announced.`,
          },
          announcementId: id,
          withdrawnIds,
        };
      }
      case 'ignore': {
        // A correction that falls below the policy takes the earlier alert down; a later report keeps it.
        if (active !== null && t.infoType === 'correction')
          return {
            decision: 'withdrawn',
            reason: {
              code: 'CORRECTED_BELOW',
              ja: `訂正された情報では配信の対象になりません。先の放送を取り下げます。（${assessment.reason.ja}）`,
              en: `The corrected telegram no longer calls for an alert: the earlier one is withdrawn. (${assessment.reason.en})`,
            },
            announcementId: null,
            withdrawnIds: await withdrawAll([active]),
          };
        return none('ignored', assessment.reason);
      }
      case 'announce': {
        if (tooOld)
          return none('too_old', {
            code: 'TOO_OLD',
            ja: `報告時刻から${ageSeconds}秒たっているため（上限${maxAge}秒）、記録だけして配信しません。（${assessment.reason.ja}）`,
            en: `Reported ${ageSeconds} s ago, older than the ${maxAge} s limit: recorded, not announced. (${assessment.reason.en})`,
          });
        const draft = draftOf(assessment, t, now, rules);
        // The observed intensity replaces the early warning for the same earthquake.
        const replacedEew = familyOf(t.kind) === 'quake' ? await liveAnnouncement(`eew:${t.mode}:${t.eventId}`) : null;
        if (active !== null && (await sink.update(active, draft)))
          return {
            decision: 'updated',
            reason: assessment.reason,
            announcementId: active,
            withdrawnIds: await withdrawAll([replacedEew]),
          };
        const id = await sink.publish(draft);
        return {
          decision: 'announced',
          reason: assessment.reason,
          announcementId: id,
          withdrawnIds: await withdrawAll([replacedEew]),
        };
      }
    }
  }

  const view = (r: TelegramRecord): JmaTelegramRecord => ({
    id: r.id,
    receivedAt: new Date(r.receivedAt).toISOString(),
    source: r.source,
    receivedFrom: r.receivedFrom,
    sha256: r.sha256,
    title: r.title,
    kind: r.kind,
    mode: r.mode,
    infoType: r.infoType,
    eventId: r.eventId,
    serial: r.serial,
    reportAt: new Date(r.reportAt).toISOString(),
    headline: r.headline,
    decision: r.decision,
    reasonCode: r.reasonCode,
    reasonJa: r.reasonJa,
    reasonEn: r.reasonEn,
    announcementId: r.announcementId,
    withdrawnIds: r.withdrawnIds,
  });
  const duplicate = (r: TelegramRecord): IngestResult => ({
    decision: 'duplicate',
    telegramId: r.id,
    announcementId: r.announcementId,
    withdrawnIds: [],
    reasonJa: `同じ電文をすでに受け取っています（記録 ${r.id}）。`,
    reasonEn: `The same telegram was already received (record ${r.id}); it is not processed again.`,
  });

  /** One event's telegrams in arrival order (a clip being made must not let the next one overtake). */
  const queues = new Map<string, Promise<unknown>>();
  function serially<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  }

  async function process(
    raw: Buffer,
    sha256: string,
    t: Telegram,
    chain: string | null,
    from: IngestFrom,
  ): Promise<IngestResult> {
    const same = await store.bySha256(sha256);
    if (same) return duplicate(same);
    // The same EventID + serial (or, without a serial, the same send time) of the same type and status.
    const dedupeKey = [t.title, t.mode, t.eventId, t.infoType, t.serial ?? `@${t.sentAt}`].join('|');
    const again = await store.byDedupeKey(dedupeKey);
    if (again) return duplicate(again);
    const now = ctx.clock.now();
    // Not one transaction: the announcements module commits and sends each change itself.
    const outcome = await decide(t, chain, now);
    const record: Omit<TelegramRecord, 'id'> = {
      receivedAt: now,
      source: from.source,
      receivedFrom: from.name.slice(0, 300),
      sha256,
      dedupeKey,
      title: t.title,
      kind: t.kind,
      mode: t.mode,
      infoType: t.infoType,
      eventId: t.eventId,
      serial: t.serial,
      sentAt: t.sentAt,
      reportAt: t.reportAt,
      headline: t.headline,
      chain,
      decision: outcome.decision,
      reasonCode: outcome.reason.code,
      reasonJa: outcome.reason.ja,
      reasonEn: outcome.reason.en,
      announcementId: outcome.announcementId,
      withdrawnIds: outcome.withdrawnIds,
    };
    const telegramId = await store.insert({ ...record, body: raw.toString('utf8') });
    // Stored meanwhile by another hub (the digest or dedupe key is unique): that record stands.
    if (telegramId === null) {
      const stored = (await store.bySha256(sha256)) ?? (await store.byDedupeKey(dedupeKey));
      if (stored) return duplicate(stored);
      throw new Error('JMA telegram neither stored nor found');
    }
    telegrams.inc({ source: from.source, decision: outcome.decision });
    if (outcome.announcementId !== null || outcome.withdrawnIds.length > 0) {
      await ctx.audit.record({
        actor: JMA_ACTOR,
        action: `jma.${outcome.decision}`,
        target:
          outcome.announcementId !== null ? `announcement:${outcome.announcementId}` : `jma_telegram:${telegramId}`,
        detail: {
          telegram: telegramId,
          title: t.title,
          eventId: t.eventId,
          mode: t.mode,
          from: `${from.source}:${from.name}`,
          withdrawn: outcome.withdrawnIds,
        },
        ip: from.ip,
      });
    }
    return {
      decision: outcome.decision,
      telegramId,
      announcementId: outcome.announcementId,
      withdrawnIds: outcome.withdrawnIds,
      reasonJa: outcome.reason.ja,
      reasonEn: outcome.reason.en,
    };
  }

  const service: JmaService = {
    async ingest(raw, from) {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      // The same document again needs no parsing (checked again in turn, for one sent twice at once).
      const same = await store.bySha256(sha256);
      if (same) return duplicate(same);
      const t = parseTelegram(raw);
      const family = familyOf(t.kind);
      // Each 津波警報・注意報・予報 states every forecast area's current category, whatever earthquakes
      // caused them (its EventID lists them all, space-separated, and grows when another one adds to
      // the warnings): the newest replaces the city's tsunami alert, so one chain per status. Chained
      // by EventID, a lift sent under a longer EventID found nothing to lift and the alert stayed.
      const chain = family === 'tsunami' ? `tsunami:${t.mode}` : family ? `${family}:${t.mode}:${t.eventId}` : null;
      // One event's telegrams one at a time on this hub and across hubs (the same telegram from the
      // feed poller and the API, or two hubs both believing they poll): the second finds the first's
      // record and is a duplicate instead of announcing again.
      const key = chain ?? sha256;
      return serially(key, () => exclusive(key, () => process(raw, sha256, t, chain, from)));
    },

    async settings() {
      const a = await areas();
      return {
        areas: a.areas,
        areasSource: a.source,
        policy: await policy(),
        maxAgeSeconds: ctx.config.jma.maxAgeSeconds,
        feeds: ctx.config.jma.feeds,
      };
    },

    async updateSettings(change) {
      const problems = [
        ...(change.areas ? areaProblems(change.areas).map((message) => ({ path: 'body.areas', message })) : []),
        ...(change.policy ? policyProblems(change.policy) : []),
      ];
      if (problems.length > 0)
        throw badRequest(
          'VALIDATION_FAILED',
          `The settings were not saved: ${problems.map((p) => p.message).join('; ')}`,
          problems,
        );
      await store.saveSettings({ areas: change.areas, policy: change.policy });
      return service.settings();
    },

    list: async (limit, beforeId) => (await store.list(limit, beforeId)).map(view),
    get: async (id) => {
      const r = await store.get(id);
      return r && view(r);
    },
    body: (id) => store.body(id),
  };
  return service;
}
