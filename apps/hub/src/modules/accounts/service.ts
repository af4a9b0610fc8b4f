/** Accounts: password login with lockout, sessions, password changes, users and API keys. */
import { hash, verify } from '@node-rs/argon2';
import type { CreateUserBody, SessionInfo, StaffRole, UpdateUserBody, User } from '@tsunagu/protocol';
import type { Clock } from '../../lib/clock';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors';
import type { Principal } from '../../lib/principal';
import { randomToken, sha256 } from '../../lib/secrets';
import type { AccountsStore, UserRecord } from './store';
import { type TwoFactorService, twoFactorRequired } from './two-factor';

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

// OWASP's recommended Argon2id parameters (19 MiB, 2 iterations, 1 lane).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };
// Verified against when the username does not exist, so a missing user takes as long as a wrong password.
let dummyHash: Promise<string> | null = null;

/** Unknown user names' failure counts are forgotten a day after their last failure. */
const FORGET_UNKNOWN_NAMES_MS = 24 * 60 * 60 * 1000;

/** One more failed attempt: the new count, and the lock when it reaches the limit. */
function countFailure(failedBefore: number, lockedUntil: number | null, now: number) {
  const failed = failedBefore + 1;
  const locked = failed >= MAX_FAILED_LOGINS;
  return { locked, failed: locked ? 0 : failed, lockedUntil: locked ? now + LOCKOUT_MS : lockedUntil };
}

const lockedError = (lockedUntil: number, now: number) =>
  new AppError(
    423,
    'ACCOUNT_LOCKED',
    `Too many failed sign-ins. Try again in ${Math.ceil((lockedUntil - now) / 60000)} minute(s), or ask an administrator to reset the password.`,
  );
const lockedNowError = () =>
  new AppError(423, 'ACCOUNT_LOCKED', 'Too many failed sign-ins: this account is locked for 15 minutes.');

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export const publicUser = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  admin: u.admin,
  shopId: u.shopId,
  watcherKind: u.watcherKind,
  disabled: u.disabled,
  twoFactorEnabled: u.twoFactorEnabled,
});

/** Which staff sessions just ended (or whose user changed), so their open sockets can be closed. */
export interface SessionsEnded {
  userId?: number;
  sessionId?: number;
  /** With `userId`: every session of the user but this one (a password change keeps its own). */
  exceptSessionId?: number;
}

export interface AccountsService {
  /** With `code` once the account has two-factor sign-in; says which second factor was used. */
  login(
    username: string,
    password: string,
    ip: string | null,
    code?: string,
  ): Promise<{ token: string; session: SessionInfo; secondFactor: 'totp' | 'recovery' | null }>;
  /** What `GET /api/auth/session` answers for a signed-in person. */
  sessionInfo(p: Extract<Principal, { kind: 'user' }>): Promise<SessionInfo>;
  authenticateSession(token: string): Promise<Principal | null>;
  authenticateApiKey(key: string): Promise<Principal | null>;
  logout(sessionId: number): Promise<void>;
  /** Asks a signed-in person for their password again (wrong guesses count toward the lockout). */
  confirmPassword(userId: number, sessionId: number, password: string): Promise<void>;
  changePassword(userId: number, sessionId: number, current: string, next: string): Promise<void>;
  /** Ends every session of the user (their open sockets close). */
  signOutEverywhere(userId: number): Promise<void>;
  resetPassword(userId: number, next: string): Promise<void>;
  createUser(body: CreateUserBody): Promise<User>;
  updateUser(id: number, body: UpdateUserBody): Promise<User>;
  createApiKey(name: string, role: StaffRole, createdBy: number | null): Promise<{ id: number; key: string }>;
  revokeApiKey(id: number): Promise<void>;
  /**
   * Called after sessions were signed out, or a user was disabled or changed. `listener` may return
   * a promise: the change that ended the sessions is answered once it settles.
   */
  onSessionsEnded(listener: (ended: SessionsEnded) => void | Promise<void>): void;
  store: AccountsStore;
}

export function createAccountsService(deps: {
  store: AccountsStore;
  clock: Clock;
  shopExists(id: number): boolean | Promise<boolean>;
  twoFactor: TwoFactorService;
}): AccountsService {
  const { store, clock, twoFactor } = deps;
  const sessionInfo = async (user: User, csrfToken: string): Promise<SessionInfo> => ({
    user,
    csrfToken,
    twoFactor: await twoFactor.state(user),
  });

  const issueSession = async (user: UserRecord, ip: string | null) => {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const now = clock.now();
    await store.createSession({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken,
      now,
      expiresAt: now + SESSION_IDLE_MS,
      ip,
    });
    return { token, session: await sessionInfo(publicUser(user), csrfToken) };
  };

  const invalid = () => new AppError(401, 'INVALID_CREDENTIALS', 'The user name or password is wrong.');
  const endedListeners: ((ended: SessionsEnded) => void | Promise<void>)[] = [];
  /** Resolves once every listener is done: the other hubs are told before the change is answered. */
  const ended = async (e: SessionsEnded) => {
    await Promise.all(endedListeners.map((l) => l(e)));
  };

  /** A signed-in person's password, asked again: wrong guesses count toward the lockout. */
  const confirmPassword = async (userId: number, sessionId: number, password: string) => {
    const user = await store.userById(userId);
    if (!user) throw notFound('user');
    const now = clock.now();
    if (user.lockedUntil !== null && user.lockedUntil > now) throw lockedError(user.lockedUntil, now);
    // Guessing the password from a borrowed session counts like guessing at sign-in.
    if (!(await verify(user.passwordHash, password).catch(() => false))) {
      const counted = countFailure(user.failedLogins, user.lockedUntil, now);
      await store.recordFailedLogin(user.id, counted.failed, counted.lockedUntil);
      if (counted.locked) {
        await store.deleteSession(sessionId);
        await ended({ sessionId });
        throw lockedNowError();
      }
      throw new AppError(400, 'INVALID_CREDENTIALS', 'The current password is wrong.');
    }
  };

  return {
    store,
    onSessionsEnded(listener) {
      endedListeners.push(listener);
    },
    async login(username, password, ip, code) {
      const user = await store.userByUsername(username);
      const now = clock.now();
      if (!user) {
        // Counted and locked exactly like a real account, so the answers do not tell them apart.
        const nameHash = sha256(`login-name:${username}`);
        const state = (await store.unknownNameFailures(nameHash)) ?? { failed: 0, lockedUntil: null };
        if (state.lockedUntil !== null && state.lockedUntil > now) throw lockedError(state.lockedUntil, now);
        dummyHash ??= hashPassword(randomToken());
        await verify(await dummyHash, password).catch(() => false);
        const next = countFailure(state.failed, state.lockedUntil, now);
        await store.recordUnknownNameFailure(
          nameHash,
          next.failed,
          next.lockedUntil,
          now,
          now - FORGET_UNKNOWN_NAMES_MS,
        );
        throw next.locked ? lockedNowError() : invalid();
      }
      if (user.lockedUntil !== null && user.lockedUntil > now) throw lockedError(user.lockedUntil, now);
      const ok = await verify(user.passwordHash, password).catch(() => false);
      if (!ok) {
        const next = countFailure(user.failedLogins, user.lockedUntil, now);
        await store.recordFailedLogin(user.id, next.failed, next.lockedUntil);
        throw next.locked ? lockedNowError() : invalid();
      }
      if (user.disabled) throw new AppError(403, 'ACCOUNT_DISABLED', 'This account is disabled. Ask an administrator.');
      let secondFactor: 'totp' | 'recovery' | null = null;
      if (user.twoFactorEnabled) {
        if (!code)
          throw new AppError(401, 'TWO_FACTOR_REQUIRED', 'Type the 6-digit code your authenticator app shows.');
        secondFactor = await twoFactor.check(user.id, code);
        if (!secondFactor) {
          // Guessing codes counts toward the lockout like guessing passwords.
          const next = countFailure(user.failedLogins, user.lockedUntil, now);
          await store.recordFailedLogin(user.id, next.failed, next.lockedUntil);
          if (next.locked) throw lockedNowError();
          throw new AppError(401, 'TWO_FACTOR_INVALID', 'That code is not right. Type the code the app shows now.');
        }
      }
      await store.clearFailedLogins(user.id);
      return { ...(await issueSession(user, ip)), secondFactor };
    },

    sessionInfo: (p) => sessionInfo(p.user, p.csrfToken),

    async authenticateSession(token) {
      const session = await store.sessionByTokenHash(sha256(token));
      const now = clock.now();
      if (!session) return null;
      if (session.expiresAt <= now) {
        await store.deleteSession(session.id);
        return null;
      }
      const user = await store.userById(session.userId);
      if (!user || user.disabled) return null;
      // Sliding expiry, written at most once a minute to keep reads cheap.
      if (now - session.lastUsedAt > 60_000) await store.touchSession(session.id, now, now + SESSION_IDLE_MS);
      return {
        kind: 'user',
        user: publicUser(user),
        sessionId: session.id,
        csrfToken: session.csrfToken,
        twoFactorPending: twoFactorRequired(user) && !user.twoFactorEnabled,
      };
    },

    async authenticateApiKey(key) {
      const record = await store.apiKeyByHash(sha256(key));
      if (!record || record.revokedAt !== null) return null;
      return { kind: 'apikey', apiKeyId: record.id, name: record.name, role: record.role };
    },

    async logout(sessionId) {
      await store.deleteSession(sessionId);
      await ended({ sessionId });
    },

    confirmPassword,

    async changePassword(userId, sessionId, current, next) {
      await confirmPassword(userId, sessionId, current);
      if (current === next) throw badRequest('WEAK_PASSWORD', 'Choose a new password different from the current one.');
      await store.setPassword(userId, await hashPassword(next));
      // Other sessions may belong to whoever knew the old password.
      await store.deleteSessionsOfUser(userId, sessionId);
      await ended({ userId, exceptSessionId: sessionId });
    },

    async signOutEverywhere(userId) {
      await store.deleteSessionsOfUser(userId);
      await ended({ userId });
    },

    async resetPassword(userId, next) {
      if (!(await store.userById(userId))) throw notFound('user');
      await store.setPassword(userId, await hashPassword(next));
      await store.deleteSessionsOfUser(userId);
      await ended({ userId });
    },

    async createUser(body) {
      if (await store.userByUsername(body.username)) throw conflict(`The user name "${body.username}" is taken.`);
      if (body.admin && body.role !== 'cityhall')
        throw badRequest('VALIDATION_FAILED', 'Only city hall accounts can be administrators.');
      if (body.role === 'operator' && body.shopId === undefined) {
        throw badRequest('VALIDATION_FAILED', 'An operator must belong to a shop (shopId).');
      }
      if (body.role !== 'operator' && body.role !== 'listener' && body.shopId !== undefined) {
        throw badRequest('VALIDATION_FAILED', 'Only operators and listeners belong to a shop.');
      }
      if (body.shopId !== undefined && !(await deps.shopExists(body.shopId)))
        throw badRequest('VALIDATION_FAILED', `Shop ${body.shopId} does not exist.`);
      if (body.watcherKind !== undefined && body.role !== 'watcher')
        throw badRequest('VALIDATION_FAILED', 'Only watchers have a watcher kind.');
      const id = await store.createUser(
        {
          username: body.username,
          displayName: body.displayName,
          passwordHash: await hashPassword(body.password),
          role: body.role,
          admin: body.admin ?? false,
          shopId: body.shopId ?? null,
          watcherKind: body.role === 'watcher' ? (body.watcherKind ?? 'welfare') : null,
        },
        clock.now(),
      );
      return publicUser((await store.userById(id))!);
    },

    async updateUser(id, body) {
      const user = await store.userById(id);
      if (!user) throw notFound('user');
      if (body.admin && user.role !== 'cityhall')
        throw badRequest('VALIDATION_FAILED', 'Only city hall accounts can be administrators.');
      await store.updateUser(id, body);
      if (body.disabled) await store.deleteSessionsOfUser(id);
      // Open sockets carry the user as it was at connect: close them (the console reconnects afresh).
      if (body.disabled || body.admin !== undefined) await ended({ userId: id });
      return publicUser((await store.userById(id))!);
    },

    async createApiKey(name, role, createdBy) {
      const key = `tsk_${randomToken(32)}`;
      // The stored prefix lets an administrator recognise a leaked key without the hub keeping the key.
      const id = await store.createApiKey({
        name,
        role,
        prefix: key.slice(0, 12),
        keyHash: sha256(key),
        createdBy,
        now: clock.now(),
      });
      return { id, key };
    },

    async revokeApiKey(id) {
      if (!(await store.apiKeyById(id))) throw notFound('API key');
      await store.revokeApiKey(id, clock.now());
    },
  };
}
