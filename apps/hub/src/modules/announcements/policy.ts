/**
 * The one rule every path that creates or changes an announcement goes through: console and REST
 * compose, edits, the CAP gateway, and the hub's own automatic feeds (e.g. the JMA feed). Pure:
 * the caller passes the sender and city hall's settings and acts on the decision.
 *
 * Shape, for a feed module:
 *
 *   const decision = decideAnnouncement(
 *     { action: 'create', kind, target, sender: { kind: 'machine', name: 'feed:jma', publish } },
 *     announcements.settings(),
 *   );
 *   // decision.outcome: 'send' (publish now, or at its send time) | 'hold' (wait for a person's approval)
 *
 * `AnnouncementsService.create/update` already call it (a feed passes its Sender there); this
 * export is for a feed that must know the outcome before it composes.
 */
import type { AnnouncementKind, AnnouncementSettings, AnnouncementStatus, AnnouncementTarget } from '@tsunagu/protocol';
import { badRequest } from '../../lib/errors';

/** What city hall lets a machine sender do: publish by itself, or hold everything for a person's approval. */
export type PublishPolicy = 'auto' | 'hold';

/**
 * Who asks. People are signed-in city hall accounts; machines are API keys (their policy is the
 * one city hall set for the key; 'hold' when none was set) and feeds built into the hub.
 */
export type Sender = { kind: 'person'; name: string } | { kind: 'machine'; name: string; publish: PublishPolicy };

export type AnnouncementRequest =
  | {
      action: 'create';
      sender: Sender;
      kind: AnnouncementKind;
      target: AnnouncementTarget;
      /** The person confirmed that an emergency goes to the whole city (the second confirmation). */
      confirmWholeCity?: boolean;
    }
  | {
      /** New content for an announcement that is not cancelled or expired. */
      action: 'change';
      sender: Sender;
      /** The kind it will have after the change. */
      kind: AnnouncementKind;
      current: { status: AnnouncementStatus; approvedBy: string | null };
    };

/**
 * `send`: a new one goes out now (or at its send time); a change is applied now and any approval
 * it had is cleared (it approved other content). `hold`: a new one waits for a person's approval;
 * a change waits for a fresh approval — applied at once to one not yet sent (which goes back to
 * waiting for approval), kept aside for one already published (terminals keep what was approved).
 */
export type Decision = { outcome: 'send' } | { outcome: 'hold' };

function needsApproval(sender: Sender, kind: AnnouncementKind, settings: AnnouncementSettings): boolean {
  if (sender.kind === 'machine') return sender.publish === 'hold';
  return kind === 'emergency' && settings.requireEmergencyApproval;
}

/** Decides; throws `400 CONFIRMATION_REQUIRED` when a person has not confirmed a whole-city emergency. */
export function decideAnnouncement(request: AnnouncementRequest, settings: AnnouncementSettings): Decision {
  const { sender, kind } = request;
  if (request.action === 'create') {
    if (
      sender.kind === 'person' &&
      kind === 'emergency' &&
      request.target.type === 'all' &&
      !request.confirmWholeCity
    ) {
      throw badRequest(
        'CONFIRMATION_REQUIRED',
        'An emergency to the whole city needs a second confirmation (confirmWholeCity).',
        [{ path: 'body.confirmWholeCity', message: 'must be true for an emergency to all terminals' }],
      );
    }
    return { outcome: needsApproval(sender, kind, settings) ? 'hold' : 'send' };
  }
  const { current } = request;
  // Waiting for approval: the approval still to come must be given to the new content.
  if (current.status === 'pending_approval') return { outcome: 'hold' };
  // Approved: the approval was for other content. Only a machine city hall lets publish by itself
  // goes on without one (its updates, e.g. a tsunami warning raised, must not wait).
  if (current.approvedBy !== null)
    return { outcome: sender.kind === 'machine' && sender.publish === 'auto' ? 'send' : 'hold' };
  return { outcome: needsApproval(sender, kind, settings) ? 'hold' : 'send' };
}
