/**
 * The CAP gateway: a message from an alerting system (an API key, speaking for the one CAP sender
 * city hall bound to it) becomes an announcement, updates or cancels that sender's earlier ones,
 * or is recorded as valid with nothing to announce (and why). New alerts and updates go through
 * the announcement policy like every other path.
 *
 * A message is taken once by its (sender, identifier) key, on any hub: the key decides, not the
 * look before it. Its record is stored in the same unit of work as what it did (the new
 * announcement, or the first update's new content), `ON CONFLICT DO NOTHING`; when another hub (or
 * a request on this one) stored it first, that unit of work is rolled back and the message is
 * answered as the duplicate it is. A Cancel is the same whoever does it: both may cancel.
 */
import type { AnnouncementTarget, CapSignatureState } from '@tsunagu/protocol';
import type { HubContext } from '../../../context';
import { AppError } from '../../../lib/errors';
import type { Principal } from '../../../lib/principal';
import type { HouseholdsStore } from '../../households/store';
import type { Compose } from '../compose';
import type { Delivery } from '../delivery';
import type { Senders } from '../senders';
import type { AnnouncementSpeech } from '../speech';
import type { AnnouncementRecord, AnnouncementsStore } from '../store';
import { decodeXmlBody, refuseDtd } from './decode';
import { capToAnnouncement, matchDistricts } from './map';
import { type CapAlert, CapError } from './model';
import { parseCap } from './parse';
import { checkCapSignature, type TrustedCertificate } from './signature';

type Signature = CapSignatureState;
/** How the message's signature was found: recorded with the message, shown on its announcement. */
interface SignatureFound {
  state: Signature;
  signedBy: string | null;
}
export type CapResult =
  | { status: 201; body: { announcementId: number; signature?: Signature } }
  | {
      status: 200;
      body: { reason: string; announcementId?: number; announcementIds?: number[]; signature?: Signature };
    };

export interface CapGatewayDeps {
  store: AnnouncementsStore;
  households: HouseholdsStore;
  compose: Compose;
  delivery: Delivery;
  senders: Senders;
  speech: Pick<AnnouncementSpeech, 'prepare'>;
  centroids: () => Promise<{ districtId: number; lat: number; lon: number }[]>;
}

/** Another hub (or request) stored this message first: whatever was done with it is rolled back. */
class AlreadyReceived extends Error {}

/** The API key a message came through. */
export type CapKey = Extract<Principal, { kind: 'apikey' }>;

/**
 * Decodes, checks the signature of and validates a CAP body; a bad one is refused with its stable
 * code and every problem named. A verified message is read from the bytes its signature covers.
 */
function readAlert(
  body: Buffer,
  trust: { trustedCertificates: readonly TrustedCertificate[]; requireSignature: boolean },
): { alert: CapAlert; signature: SignatureFound } {
  try {
    const text = decodeXmlBody(body);
    refuseDtd(body, text);
    const check = checkCapSignature(text, trust.trustedCertificates);
    const signature: Signature = !check.signed ? 'unsigned' : check.verified ? 'verified' : 'unverified';
    if (trust.requireSignature && signature !== 'verified')
      throw new CapError(
        403,
        'CAP_SIGNATURE_REQUIRED',
        'This hub accepts only CAP messages signed with a trusted certificate.',
        [{ path: 'alert.Signature', message: 'a signature from a trusted certificate is required' }],
      );
    return {
      alert: parseCap(check.signed && check.verified ? check.signedXml : text),
      signature: { state: signature, signedBy: check.signed && check.verified ? check.by.subject : null },
    };
  } catch (err) {
    if (err instanceof CapError) throw new AppError(err.statusCode, err.code, err.message, err.details);
    throw err;
  }
}

export function createCapGateway(ctx: HubContext, deps: CapGatewayDeps) {
  const { store, households, compose, delivery, senders } = deps;
  const live = (a: AnnouncementRecord | undefined | null): a is AnnouncementRecord =>
    a != null && (a.status === 'published' || a.status === 'scheduled' || a.status === 'pending_approval');

  return async function ingest(body: Buffer, key: CapKey, ip: string | null): Promise<CapResult> {
    const { alert, signature } = readAlert(body, ctx.config.cap);
    const result = await announce(alert, key, signature, ip).catch(async (err: unknown) => {
      if (!(err instanceof AlreadyReceived)) throw err;
      return duplicate(alert, (await store.capMessage(alert.sender, alert.identifier))?.announcementId ?? null);
    });
    // The answer to a signed message says whether its signature was verified.
    return signature.state === 'unsigned'
      ? result
      : ({ ...result, body: { ...result.body, signature: signature.state } } as CapResult);
  };

  function duplicate(alert: CapAlert, announcementId: number | null): CapResult {
    return {
      status: 200,
      body: {
        reason: `Duplicate: message ${alert.identifier} from ${alert.sender} was already received; not announced again.`,
        ...(announcementId !== null ? { announcementId } : {}),
      },
    };
  }

  async function announce(
    alert: CapAlert,
    key: CapKey,
    signature: SignatureFound,
    ip: string | null,
  ): Promise<CapResult> {
    // A key speaks for its own sender only: nobody can pre-empt (by de-duplication), update or
    // cancel another sender's alerts.
    const own = await senders.capSenderOf(key.apiKeyId);
    if (own !== alert.sender) {
      throw new AppError(
        403,
        'CAP_SENDER_NOT_ALLOWED',
        own === null
          ? 'No CAP sender is set for this API key. An administrator sets it on the API keys page.'
          : `This API key sends CAP messages as ${own} only, not as ${alert.sender}.`,
        [{ path: 'alert.sender', message: own === null ? 'no CAP sender is set for this key' : `must be ${own}` }],
      );
    }
    // The voice clip is made and the sender's policy read first, so everything from the duplicate
    // check on runs without a pause: a duplicate that arrives meanwhile is still caught by it.
    if (alert.infos.length > 0 && (alert.msgType === 'Alert' || alert.msgType === 'Update'))
      await deps.speech.prepare({ ...capToAnnouncement(alert), audioId: null }, []);
    const sender = await senders.of(key);
    const actor = sender.name;
    const dup = await store.capMessage(alert.sender, alert.identifier);
    if (dup) return duplicate(alert, dup.announcementId);
    /** Records the message (in `tx`'s unit of work); throws AlreadyReceived when it was stored first elsewhere. */
    const record = async (announcementId: number | null, outcome: string, tx: AnnouncementsStore = store) => {
      const stored = await tx.insertCapMessage(
        {
          sender: alert.sender,
          identifier: alert.identifier,
          sent: alert.sent,
          msgType: alert.msgType,
          status: alert.status,
          announcementId,
          outcome,
          signature: signature.state,
          signedBy: signature.signedBy,
        },
        ctx.clock.now(),
      );
      if (!stored) throw new AlreadyReceived();
    };
    const nothing = async (reason: string, extra: { announcementIds?: number[] } = {}): Promise<CapResult> => {
      await record(extra.announcementIds?.[0] ?? null, reason);
      return { status: 200, body: { reason, ...extra } };
    };
    if (alert.status === 'Draft' || alert.status === 'System')
      return nothing(`Status ${alert.status}: not for the public; nothing to announce.`);
    if (alert.msgType === 'Ack' || alert.msgType === 'Error')
      return nothing(`msgType ${alert.msgType}: nothing to announce.`);
    if (alert.scope !== 'Public')
      return nothing(`Scope ${alert.scope}: only public alerts are announced on terminals.`);

    const referencedIds = new Set<number>();
    for (const r of alert.references.filter((r) => r.sender === alert.sender)) {
      const id = (await store.capMessage(r.sender, r.identifier))?.announcementId ?? null;
      if (id !== null) referencedIds.add(id);
    }
    const referenced: AnnouncementRecord[] = [];
    for (const id of referencedIds) {
      const a = await store.get(id);
      if (live(a)) referenced.push(a);
    }
    const ids = referenced.map((a) => a.id);

    if (alert.msgType === 'Cancel') {
      if (referenced.length === 0)
        return nothing('Cancel: the referenced messages are not (or no longer) announced; nothing to cancel.');
      for (const a of referenced) await delivery.cancel(a);
      await ctx.audit.record({
        actor,
        action: 'cap.cancel',
        target: `announcements:${ids.join(',')}`,
        detail: alert.identifier,
        ip,
      });
      return nothing(`Cancelled announcement ${ids.join(', ')}.`, { announcementIds: ids });
    }
    if (alert.infos.length === 0) return nothing('The message has no info block: valid CAP, nothing to announce.');
    const mapped = capToAnnouncement(alert);
    const now = ctx.clock.now();
    if (mapped.expiresAt !== null && mapped.expiresAt <= now)
      return nothing('The alert has already expired: nothing to announce.');
    const districtIds = matchDistricts(mapped.areas, await households.listDistricts(), await deps.centroids());
    const target: AnnouncementTarget = districtIds.length > 0 ? { type: 'districts', districtIds } : { type: 'all' };

    // What the alert says, for a new announcement or as new content of the ones it updates.
    const content = {
      kind: mapped.kind,
      test: mapped.test,
      titleJa: mapped.titleJa,
      bodyJa: mapped.bodyJa,
      titleEn: mapped.titleEn,
      bodyEn: mapped.bodyEn,
      expiresAt: mapped.expiresAt,
      safetyCheck: mapped.safetyCheck,
    };

    if (alert.msgType === 'Update' && referenced.length > 0) {
      // A wider area reaches more households; nobody who already had it loses it.
      // The record goes with the first one's new content: a message taken twice changes nothing twice.
      for (const [i, a] of referenced.entries())
        await compose.revise(
          a,
          content,
          sender,
          target,
          i === 0 ? (_, tx) => record(ids[0]!, 'updated', tx) : undefined,
        );
      await ctx.audit.record({
        actor,
        action: 'cap.update',
        target: `announcements:${ids.join(',')}`,
        detail: alert.identifier,
        ip,
      });
      return { status: 201, body: { announcementId: ids[0]! } };
    }

    // A new alert (or an Update of something we never announced: announce it now).
    const created = await compose.submit(
      { ...content, audioId: null, audioMime: null, target, sendAt: null, source: 'cap', capCategory: mapped.category },
      sender,
      { alongside: (stored, tx) => record(stored.id, 'announced', tx) },
    );
    await ctx.audit.record({
      actor,
      action: 'cap.alert',
      target: `announcement:${created.id}`,
      detail: `${alert.sender} ${alert.identifier} → ${mapped.kind}${mapped.test ? ' (test)' : ''}, ${created.status}`,
      ip,
    });
    return { status: 201, body: { announcementId: created.id } };
  }
}
