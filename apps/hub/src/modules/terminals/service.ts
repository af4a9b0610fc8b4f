/** Enrollment (one-time code → device credential), revocation, presence and the terminal's profile. */
import { ENROLLMENT_CODE_LENGTH, type TerminalProfile } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, notFound } from '../../lib/errors';
import { type Principal, terminalOf } from '../../lib/principal';
import { randomDigits, randomToken, sha256 } from '../../lib/secrets';
import { storageProblemOf } from '../../lib/storage-errors';
import { rooms } from '../../plugins/socket';
import type { HouseholdsStore } from '../households/store';
import type { ShopsStore } from '../shops/store';
import { createCredentialCache } from './credentials';
import type { TerminalsStore } from './store';

export const DEFAULT_CODE_TTL_MINUTES = 24 * 60;

export interface TerminalsService {
  issueCode(householdId: number, createdBy: string, ttlMinutes?: number): { code: string; expiresAt: number };
  enroll(code: string, deviceName: string | null): { terminalId: number; householdId: number; credential: string };
  /**
   * The terminal a device credential belongs to, or null (unknown or revoked). Answered from memory
   * after the first success; `revoke` and `enroll` clear it before they return, so a revoked or
   * replaced terminal is refused at once by HTTP routes and socket connects alike.
   */
  authenticate(credential: string): Principal | null;
  revoke(terminalId: number): void;
  /** The household's unused enrollment codes stop working (it was closed). */
  expireCodes(householdId: number): void;
  profile(terminalId: number): TerminalProfile;
  /** Number of sockets currently open per terminal (a terminal may briefly hold two while reconnecting). */
  connectedCount(terminalId: number): number;
  /** The rooms a terminal's socket joins (its own, its household's, its district's, all terminals); null when it is gone. */
  roomsOf(principal: Principal): string[] | null;
}

/** The change-feed channel of revoked terminals: `<householdId>:<terminalId>` (db/changes.ts). */
export const TERMINALS_CHANNEL = 'terminals_revoked';

export function createTerminalsService(
  ctx: Pick<HubContext, 'clock' | 'sockets' | 'log' | 'storage' | 'metrics' | 'changes' | 'sql'>,
  stores: { terminals: TerminalsStore; households: HouseholdsStore; shops: ShopsStore },
): TerminalsService {
  const { clock } = ctx;
  const { terminals, households, shops } = stores;
  const connections = new Map<number, number>();
  const credentials = createCredentialCache();
  ctx.metrics.operations.terminalsEnrolled.sample(() => terminals.countActive());
  ctx.metrics.operations.terminalsOffline.sample(() => Math.max(0, terminals.countActive() - connections.size));

  // Presence (online, last seen) is written once per turn of the event loop for every terminal that
  // connected, disconnected or sent a heartbeat: with synchronous=FULL each commit is a disk flush,
  // and a reconnect storm of ten thousand terminals would otherwise be ten thousand of them in a row.
  // Presence is not a message a terminal must not miss (the hub marks all offline at start-up), so
  // it is the first write to stop when disk space runs low; the next heartbeat stores it again.
  const presence = new Map<number, { id: number; online: boolean; at: number }>();
  let presenceFlush = false;
  function setPresence(id: number, online: boolean, at: number) {
    presence.set(id, { id, online, at });
    if (presenceFlush) return;
    presenceFlush = true;
    setImmediate(() => {
      presenceFlush = false;
      const changes = [...presence.values()];
      presence.clear();
      if (!ctx.storage.allowsNonEssential('terminal presence')) return;
      try {
        terminals.setPresenceMany(changes);
      } catch (err) {
        if (!ctx.storage.reportFailure(err, 'terminal presence'))
          ctx.log.warn({ err, terminals: changes.length }, 'could not store terminal presence');
      }
    });
  }

  const service: TerminalsService = {
    roomsOf(principal) {
      if (principal.kind !== 'terminal') return null;
      const t = terminals.get(principal.terminalId);
      if (!t) return null;
      // No district room: nothing is sent to one (targeted announcements go to household rooms).
      return [rooms.terminal(t.id), rooms.household(t.householdId), rooms.allTerminals];
    },
    issueCode(householdId, createdBy, ttlMinutes = DEFAULT_CODE_TTL_MINUTES) {
      const household = households.get(householdId);
      if (!household) throw notFound('household');
      if (household.closedAt !== null)
        throw new AppError(409, 'HOUSEHOLD_CLOSED', 'This household has been closed. Reopen it first.');
      const now = clock.now();
      const expiresAt = now + ttlMinutes * 60_000;
      // Retry on the (rare) collision with an existing code.
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = randomDigits(ENROLLMENT_CODE_LENGTH);
        if (terminals.codeByHash(sha256(code))) continue;
        terminals.createCode({ codeHash: sha256(code), householdId, createdBy, now, expiresAt });
        return { code, expiresAt };
      }
      throw new AppError(503, 'INTERNAL', 'Could not issue a unique code; try again.');
    },

    enroll(code, deviceName) {
      const record = terminals.codeByHash(sha256(code));
      if (!record) {
        throw new AppError(
          400,
          'ENROLLMENT_CODE_INVALID',
          'This code is not known. Check the digits, or ask city hall for a new code.',
        );
      }
      if (record.usedAt !== null) {
        throw new AppError(
          400,
          'ENROLLMENT_CODE_USED',
          'This code has already been used. Ask city hall for a new code.',
        );
      }
      if (record.expiresAt <= clock.now() || households.get(record.householdId)?.closedAt) {
        throw new AppError(400, 'ENROLLMENT_CODE_EXPIRED', 'This code has expired. Ask city hall for a new code.');
      }
      const credential = `tsd_${randomToken(32)}`;
      const previous = households.get(record.householdId)?.terminal?.id;
      let terminalId: number;
      try {
        terminalId = terminals.enroll({
          codeId: record.id,
          householdId: record.householdId,
          credentialHash: sha256(credential),
          deviceName,
          now: clock.now(),
        });
      } catch (err) {
        // A full disk is not a used code: the installer is told to try again later.
        if (storageProblemOf(err)) throw err;
        throw new AppError(
          400,
          'ENROLLMENT_CODE_USED',
          'This code has already been used. Ask city hall for a new code.',
        );
      }
      // The store revoked every earlier terminal of the household in the same transaction.
      revoked(record.householdId, previous ?? null);
      return { terminalId, householdId: record.householdId, credential };
    },

    authenticate(credential) {
      if (!credential.startsWith('tsd_')) return null;
      const cached = credentials.get(credential);
      if (cached) return cached;
      const generation = credentials.generation;
      const t = terminals.byCredentialHash(sha256(credential));
      if (!t || t.revoked) return null;
      return credentials.remember(
        credential,
        { kind: 'terminal', terminalId: t.id, householdId: t.householdId },
        generation,
      );
    },

    revoke(terminalId) {
      const t = terminals.get(terminalId);
      if (!t) throw notFound('terminal');
      terminals.revoke(terminalId, clock.now());
      revoked(t.householdId, terminalId);
    },

    expireCodes(householdId) {
      terminals.expireCodes(householdId, clock.now());
    },

    profile(terminalId) {
      const t = terminals.get(terminalId);
      const h = t && households.get(t.householdId);
      if (!t || !h) throw notFound('terminal');
      return {
        terminalId: t.id,
        householdId: h.id,
        householdName: h.name,
        language: h.language,
        districtId: h.districtId,
        shops: shops.list().map((s) => ({ id: s.id, name: s.name, category: s.category, kind: s.kind })),
      };
    },

    connectedCount: (id) => connections.get(id) ?? 0,
  };

  /** Forgets the household's credentials and closes the revoked terminal's sockets, here and on other hubs. */
  function revoked(householdId: number, terminalId: number | null) {
    forgetHere(householdId, terminalId);
    ctx.changes
      .notify(ctx.sql, TERMINALS_CHANNEL, `${householdId}:${terminalId ?? ''}`)
      .catch((err) => ctx.log.error({ err, householdId }, 'terminal revocation not sent to other hubs'));
  }
  function forgetHere(householdId: number, terminalId: number | null) {
    credentials.forget(householdId);
    if (terminalId !== null) disconnectRevoked(terminalId);
  }
  ctx.changes.subscribe(TERMINALS_CHANNEL, {
    onChange(key) {
      const [householdId, terminalId] = key.split(':');
      forgetHere(Number(householdId), terminalId ? Number(terminalId) : null);
    },
    onReset: () => credentials.forgetAll(),
  });

  function disconnectRevoked(terminalId: number) {
    const room = ctx.sockets.terminals.to(rooms.terminal(terminalId));
    room.emit('terminal:revoked');
    room.disconnectSockets(true);
  }

  function notifyStaff(terminalId: number, householdId: number, online: boolean) {
    const watchers = households.watchersOf(householdId).map((w) => rooms.user(w.userId));
    ctx.sockets.staff.to([rooms.role('cityhall'), ...watchers]).emit('terminal:presenceChanged', {
      terminalId,
      householdId,
      online,
      lastSeenAt: new Date(clock.now()).toISOString(),
    });
  }

  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    const t = terminals.get(principal.terminalId);
    if (!t) return void socket.disconnect(true);
    const n = (connections.get(t.id) ?? 0) + 1;
    connections.set(t.id, n);
    setPresence(t.id, true, clock.now());
    if (n === 1) notifyStaff(t.id, t.householdId, true);
    socket.emit('terminal:profileChanged', service.profile(t.id));
  });
  ctx.sockets.terminalCommand('terminal:heartbeat', { access: 'terminal' }, (_payload, { principal }) => {
    setPresence(terminalOf(principal).terminalId, true, clock.now());
    return { serverTime: new Date(clock.now()).toISOString() };
  });

  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind !== 'terminal') return;
    const n = (connections.get(principal.terminalId) ?? 1) - 1;
    if (n > 0) return void connections.set(principal.terminalId, n);
    connections.delete(principal.terminalId);
    setPresence(principal.terminalId, false, clock.now());
    notifyStaff(principal.terminalId, principal.householdId, false);
  });

  return service;
}
