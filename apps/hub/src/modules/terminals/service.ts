/** Enrollment (one-time code → device credential), revocation, presence and the terminal's profile. */
import { ENROLLMENT_CODE_LENGTH, type TerminalPresenceChanges, type TerminalProfile } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, notFound } from '../../lib/errors';
import { type Principal, terminalOf } from '../../lib/principal';
import { randomDigits, randomToken, sha256 } from '../../lib/secrets';
import type { Found } from '../../plugins/auth';
import { rooms } from '../../plugins/socket';
import type { HouseholdsStore } from '../households/store';
import type { Shops } from '../shops/directory';
import { batchedWrites } from './batched';
import { createCredentialCache } from './credentials';
import {
  EnrollmentCodeUsedError,
  onlineNow,
  PRESENCE_HOLDS_MS,
  type PresenceChange,
  type TerminalRecord,
  type TerminalsStore,
} from './store';

type Presence = PresenceChange & { householdId: number };

export const DEFAULT_CODE_TTL_MINUTES = 24 * 60;

export interface TerminalsService {
  issueCode(householdId: number, createdBy: string, ttlMinutes?: number): Promise<{ code: string; expiresAt: number }>;
  enroll(
    code: string,
    deviceName: string | null,
  ): Promise<{ terminalId: number; householdId: number; credential: string }>;
  /**
   * The terminal a device credential belongs to, or null (unknown or revoked). Answered from memory,
   * at once, after the first success (only a lookup is a promise); `revoke` and `enroll` clear it
   * before they resolve, so a revoked or replaced terminal is refused at once by HTTP routes and
   * socket connects alike.
   */
  authenticate(credential: string): Found;
  /** A credential that authenticated before and still holds, from memory only (undefined: not remembered). */
  remembered(credential: string): Principal | undefined;
  revoke(terminalId: number): Promise<void>;
  /** The household's unused enrollment codes stop working (it was closed). */
  expireCodes(householdId: number): Promise<void>;
  profile(terminalId: number): Promise<TerminalProfile>;
  /** Number of sockets currently open per terminal on this hub (a terminal may briefly hold two while reconnecting). */
  connectedCount(terminalId: number): number;
  /** Online on any hub: connected here, or stored online by a hub and seen within PRESENCE_HOLDS_MS. */
  online(terminal: Pick<TerminalRecord, 'id' | 'online' | 'lastSeenAt'>): boolean;
  /** The rooms a terminal's socket joins (its own, its household's, all terminals); null for anyone else. */
  roomsOf(principal: Principal): string[] | null;
}

/** The change-feed channel of revoked terminals: `<householdId>:<terminalId>` (db/changes.ts). */
export const TERMINALS_CHANNEL = 'terminals_revoked';
/** How often at most staff hear terminals turn online or offline (all that turned meanwhile in one notice). */
export const STAFF_PRESENCE_MS = 500;

export function createTerminalsService(
  ctx: Pick<HubContext, 'clock' | 'sockets' | 'log' | 'storage' | 'metrics' | 'changes' | 'sql' | 'events'>,
  stores: { terminals: TerminalsStore; households: HouseholdsStore; shops: Pick<Shops, 'directory'> },
): TerminalsService {
  const { clock } = ctx;
  const { terminals, households, shops } = stores;
  const connections = new Map<number, number>();
  const credentials = createCredentialCache();
  ctx.metrics.operations.terminalsEnrolled.sample(() => terminals.countActive());
  ctx.metrics.operations.terminalsOffline.sample(async () =>
    Math.max(0, (await terminals.countActive()) - (await terminals.countOnline(clock.now() - PRESENCE_HOLDS_MS))),
  );

  // Presence (online, last seen) is written once per turn of the event loop for every terminal that
  // connected, disconnected or sent a heartbeat: with synchronous=FULL each commit is a disk flush,
  // and a reconnect storm of ten thousand terminals would otherwise be ten thousand of them in a row.
  // Presence is not a message a terminal must not miss (the hub marks all offline at start-up), so
  // it is the first write to stop when disk space runs low; the next heartbeat stores it again.
  // Staff hear a terminal turn online or offline once its batch is stored, in the order the batches
  // commit (one after another), and only when the stored state turned: with several hubs the row
  // decides, so a late "offline" from the hub a terminal left does not follow its "online" on the hub
  // it moved to (the offline is stored only while no other hub stored the terminal since).
  const written = new Map<number, number>(); // the last presence time this hub stored, per terminal
  const shown = new Map<number, boolean>(); // what this hub last told staff, per terminal
  const storePresence = batchedWrites<Presence>(
    ctx,
    'terminal presence',
    (c) => c.id,
    async (changes) => {
      const rows = changes.map((c) => (c.online ? c : { ...c, after: written.get(c.id) ?? null }));
      const turned = await terminals.setPresenceMany(rows.map(({ householdId: _, ...c }) => c));
      for (const c of changes) c.online ? written.set(c.id, c.at) : written.delete(c.id);
      const householdOf = new Map(changes.map((c) => [c.id, c.householdId]));
      notifyStaff(turned.map((t) => ({ id: t.id, householdId: householdOf.get(t.id)!, online: t.online, at: t.at })));
    },
    // Not stored (low disk space, a failed batch): staff still hear what this hub saw turn.
    (changes) => {
      notifyStaff(changes.filter((c) => shown.get(c.id) !== c.online));
    },
  );
  const setPresence = (id: number, householdId: number, online: boolean) =>
    storePresence({ id, householdId, online, at: clock.now() });

  /** A credential not in memory: looked up, and remembered unless a revoke ran meanwhile. */
  async function lookUp(credential: string, again = true): Promise<Principal | null> {
    const generation = credentials.generation;
    const t = await terminals.byCredentialHash(sha256(credential));
    if (!t || t.revoked) return null;
    // Something was revoked while the row was on its way: it may have been this terminal.
    if (generation !== credentials.generation && again) return lookUp(credential, false);
    return credentials.remember(
      credential,
      { kind: 'terminal', terminalId: t.id, householdId: t.householdId },
      generation,
    );
  }

  const service: TerminalsService = {
    roomsOf(principal) {
      // The principal was authenticated just now (a revoke forgets the credential before it returns).
      if (principal.kind !== 'terminal') return null;
      // No district room: nothing is sent to one (targeted announcements go to household rooms).
      return [rooms.terminal(principal.terminalId), rooms.household(principal.householdId), rooms.allTerminals];
    },
    async issueCode(householdId, createdBy, ttlMinutes = DEFAULT_CODE_TTL_MINUTES) {
      const household = await households.get(householdId);
      if (!household) throw notFound('household');
      if (household.closedAt !== null)
        throw new AppError(409, 'HOUSEHOLD_CLOSED', 'This household has been closed. Reopen it first.');
      const now = clock.now();
      const expiresAt = now + ttlMinutes * 60_000;
      // Another code on the (rare) collision with an existing one (the unique hash decides, on any hub).
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = randomDigits(ENROLLMENT_CODE_LENGTH);
        const id = await terminals.createCode({ codeHash: sha256(code), householdId, createdBy, now, expiresAt });
        if (id !== null) return { code, expiresAt };
      }
      throw new AppError(503, 'INTERNAL', 'Could not issue a unique code; try again.');
    },

    async enroll(code, deviceName) {
      const record = await terminals.codeByHash(sha256(code));
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
      const household = await households.get(record.householdId);
      if (record.expiresAt <= clock.now() || household?.closedAt) {
        throw new AppError(400, 'ENROLLMENT_CODE_EXPIRED', 'This code has expired. Ask city hall for a new code.');
      }
      const credential = `tsd_${randomToken(32)}`;
      const previous = household?.terminal?.id;
      let terminalId: number;
      try {
        terminalId = await terminals.enroll({
          codeId: record.id,
          householdId: record.householdId,
          credentialHash: sha256(credential),
          deviceName,
          now: clock.now(),
        });
      } catch (err) {
        // Only a code used meanwhile is a used code. A full disk or a lost database server is
        // STORAGE_UNAVAILABLE (retry later, the code still works); anything else is the hub's fault.
        if (!(err instanceof EnrollmentCodeUsedError)) throw err;
        throw new AppError(
          400,
          'ENROLLMENT_CODE_USED',
          'This code has already been used. Ask city hall for a new code.',
        );
      }
      // The store revoked every earlier terminal of the household in the same transaction. Told before
      // the enrolment is answered, so whoever then waits for the hubs to hear what was committed
      // (`changes.heard()`) finds it heard. This hub hears its own notice too, and may forget the new
      // credential with the old ones: it is then looked up once more.
      await revoked(record.householdId, previous ?? null);
      // Remembered at once: the terminal's first requests (the voice clip's fast path) need no lookup.
      credentials.remember(
        credential,
        { kind: 'terminal', terminalId, householdId: record.householdId },
        credentials.generation,
      );
      return { terminalId, householdId: record.householdId, credential };
    },

    authenticate(credential) {
      if (!credential.startsWith('tsd_')) return null;
      return credentials.get(credential) ?? lookUp(credential);
    },
    remembered: (credential) => credentials.get(credential),

    async revoke(terminalId) {
      const t = await terminals.get(terminalId);
      if (!t) throw notFound('terminal');
      await terminals.revoke(terminalId, clock.now());
      await revoked(t.householdId, terminalId);
    },

    async expireCodes(householdId) {
      await terminals.expireCodes(householdId, clock.now());
    },

    async profile(terminalId) {
      const t = await terminals.get(terminalId);
      const h = t && (await households.get(t.householdId));
      if (!t || !h) throw notFound('terminal');
      return {
        terminalId: t.id,
        householdId: h.id,
        householdName: h.name,
        language: h.language,
        districtId: h.districtId,
        // From the shops kept in memory: every terminal reads them at each connect (a storm of 10,000).
        shops: shops.directory.list().map((s) => ({ id: s.id, name: s.name, category: s.category, kind: s.kind })),
      };
    },

    connectedCount: (id) => connections.get(id) ?? 0,
    online: (t) => (connections.get(t.id) ?? 0) > 0 || onlineNow(t, clock.now()),
  };

  /**
   * Forgets the household's credentials and closes the revoked terminal's sockets, here and on other
   * hubs; copies of the household kept in memory (the calls' active terminal) read it again.
   * Resolves once the other hubs are told (a failure to tell is logged, not thrown).
   */
  async function revoked(householdId: number, terminalId: number | null): Promise<void> {
    forgetHere(householdId, terminalId);
    await ctx.changes
      .notify(ctx.sql, TERMINALS_CHANNEL, `${householdId}:${terminalId ?? ''}`)
      .catch((err: unknown) => ctx.log.error({ err, householdId }, 'terminal revocation not sent to other hubs'));
  }
  function forgetHere(householdId: number, terminalId: number | null) {
    credentials.forget(householdId);
    if (terminalId !== null) disconnectRevoked(terminalId);
    ctx.events.emit('household.changed', { householdId });
  }
  ctx.changes.subscribe(TERMINALS_CHANNEL, {
    onChange(key) {
      const [householdId, terminalId] = key.split(':');
      forgetHere(Number(householdId), terminalId ? Number(terminalId) : null);
    },
    onReset() {
      credentials.forgetAll();
      ctx.events.emit('household.changed', { householdId: null });
    },
  });

  function disconnectRevoked(terminalId: number) {
    const room = ctx.sockets.terminals.to(rooms.terminal(terminalId));
    room.emit('terminal:revoked');
    room.disconnectSockets(true);
  }

  // Staff hear presence at most every STAFF_PRESENCE_MS: everything that turned meanwhile, in the
  // order it turned, in one notice: a console reloads its board once per notice, and in a reconnect
  // storm one notice per connect was also 1.6 KB per terminal kept two minutes for the consoles'
  // recovery (issue 17's memory figure; presence is no longer kept since, plugins/staff-recovery.ts).
  // In order: each notice waits for the one before (its
  // watchers are read first). City hall hears every terminal in one message; each watcher, who is
  // not also in city hall's room, the terminals of the households they watch.
  let staffNotices: Promise<void> = Promise.resolve();
  let toStaff: TerminalPresenceChanges['changes'] = [];
  let staffTimer: NodeJS.Timeout | null = null;
  function notifyStaff(turned: readonly Omit<Presence, 'after'>[]) {
    for (const { id, householdId, online, at } of turned) {
      shown.set(id, online);
      toStaff.push({ terminalId: id, householdId, online, lastSeenAt: new Date(at).toISOString() });
    }
    if (toStaff.length === 0 || staffTimer) return;
    staffTimer = setTimeout(sendStaffNotice, STAFF_PRESENCE_MS);
    staffTimer.unref();
  }
  function sendStaffNotice() {
    staffTimer = null;
    const changes = toStaff;
    toStaff = [];
    staffNotices = staffNotices
      .then(async () => {
        const cityhall = rooms.role('cityhall');
        ctx.sockets.staff.to(cityhall).emit('terminal:presenceChanged', { changes });
        const watchers = await households.watcherUsersOf([...new Set(changes.map((c) => c.householdId))]);
        const byUser = new Map<number, Set<number>>();
        for (const w of watchers) byUser.set(w.userId, (byUser.get(w.userId) ?? new Set()).add(w.householdId));
        for (const [userId, watched] of byUser)
          ctx.sockets.staff
            .to(rooms.user(userId))
            .except(cityhall)
            .emit('terminal:presenceChanged', { changes: changes.filter((c) => watched.has(c.householdId)) });
      })
      .catch((err) => ctx.log.warn({ err, terminals: changes.length }, 'terminal presence not sent to staff'));
  }

  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    const { terminalId, householdId } = principal;
    const n = (connections.get(terminalId) ?? 0) + 1;
    connections.set(terminalId, n);
    setPresence(terminalId, householdId, true);
    service.profile(terminalId).then(
      (profile) => socket.emit('terminal:profileChanged', profile),
      (err) => {
        ctx.log.warn({ err, terminalId }, 'terminal profile not sent');
        socket.disconnect(true);
      },
    );
  });
  ctx.sockets.terminalCommand('terminal:heartbeat', { access: 'terminal' }, (_payload, { principal }) => {
    const { terminalId, householdId } = terminalOf(principal);
    setPresence(terminalId, householdId, true);
    return { serverTime: new Date(clock.now()).toISOString() };
  });

  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind !== 'terminal') return;
    const n = (connections.get(principal.terminalId) ?? 1) - 1;
    if (n > 0) return void connections.set(principal.terminalId, n);
    connections.delete(principal.terminalId);
    setPresence(principal.terminalId, principal.householdId, false);
  });

  return service;
}
