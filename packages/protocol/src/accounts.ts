import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Name, Nullable } from './common';
import { listOf, NonNegativeInt, PageLimit } from './fragments';

/**
 * Staff roles. `admin` is a flag on a city hall account (user management, API keys, audit log),
 * not a role of its own, so an administrator is always also city hall staff.
 */
export const StaffRole = literals('cityhall', 'operator', 'listener', 'watcher');
export type StaffRole = Static<typeof StaffRole>;
export const STAFF_ROLES: readonly StaffRole[] = ['cityhall', 'operator', 'listener', 'watcher'];

/** Kinds of watcher, for display and escalation order. */
export const WatcherKind = literals('welfare', 'carenetwork', 'family', 'supervisor');
export type WatcherKind = Static<typeof WatcherKind>;

export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' });
export const Password = Type.String({ minLength: 1, maxLength: 256 });
/** New passwords: at least 10 characters (NIST 800-63B favours length over composition rules). */
export const NewPassword = Type.String({ minLength: 10, maxLength: 256 });

export const User = Type.Object({
  id: Id,
  username: Username,
  displayName: Name,
  role: StaffRole,
  admin: Type.Boolean(),
  shopId: Nullable(Id),
  watcherKind: Nullable(WatcherKind),
  disabled: Type.Boolean(),
  /** Signs in with a second factor (an authenticator app's code). */
  twoFactorEnabled: Type.Boolean(),
});
export type User = Static<typeof User>;

/** A 6-digit code from the authenticator app, or a one-time recovery code (xxxx-xxxx-xxxx-xxxx). */
export const SecondFactorCode = Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z -]+$' });

export const LoginBody = Closed({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Password,
  /** Needed once the account has two-factor sign-in (the hub answers TWO_FACTOR_REQUIRED). */
  code: Type.Optional(SecondFactorCode),
});
export type LoginBody = Static<typeof LoginBody>;

/**
 * Two-factor sign-in of the signed-in person. `required` (city hall and administrators): while it
 * is not `enabled`, the session can only set it up (everything else answers
 * TWO_FACTOR_SETUP_REQUIRED).
 */
export const TwoFactorState = Type.Object({
  required: Type.Boolean(),
  enabled: Type.Boolean(),
  recoveryCodesLeft: NonNegativeInt,
});
export type TwoFactorState = Static<typeof TwoFactorState>;

/** Returned by login and `GET /api/auth/session`. The CSRF token goes in `x-csrf-token` on writes. */
export const SessionInfo = Type.Object({ user: User, csrfToken: Type.String(), twoFactor: TwoFactorState });
export type SessionInfo = Static<typeof SessionInfo>;

/** A new authenticator secret, to scan (QR code, an SVG drawn by the hub) or type in. */
export const TwoFactorSetup = Type.Object({
  secret: Type.String(),
  otpauthUri: Type.String(),
  qrSvg: Type.String(),
});
export type TwoFactorSetup = Static<typeof TwoFactorSetup>;

export const TwoFactorCodeBody = Closed({ code: Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' }) });
export type TwoFactorCodeBody = Static<typeof TwoFactorCodeBody>;

export const TwoFactorDisableBody = Closed({ password: Password });
export type TwoFactorDisableBody = Static<typeof TwoFactorDisableBody>;

/** One-time recovery codes, shown once (the hub keeps only their hashes). */
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

export const ChangePasswordBody = Closed({ currentPassword: Password, newPassword: NewPassword });
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const CreateUserBody = Closed({
  username: Username,
  displayName: Name,
  password: NewPassword,
  role: StaffRole,
  admin: Type.Optional(Type.Boolean()),
  shopId: Type.Optional(Id),
  watcherKind: Type.Optional(WatcherKind),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Closed(
  {
    displayName: Type.Optional(Name),
    disabled: Type.Optional(Type.Boolean()),
    admin: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ResetPasswordBody = Closed({ newPassword: NewPassword });
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const UserList = listOf('users', User);
export type UserList = Static<typeof UserList>;

export const ApiKey = Type.Object({
  id: Id,
  name: Name,
  role: StaffRole,
  prefix: Type.String(),
  createdAt: Type.String(),
  revokedAt: Nullable(Type.String()),
});
export type ApiKey = Static<typeof ApiKey>;
export const CreateApiKeyBody = Closed({ name: Name, role: StaffRole });
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;
/** The key itself is shown once, at creation; the hub keeps only its hash. */
export const CreatedApiKey = Type.Object({ apiKey: ApiKey, key: Type.String() });
export type CreatedApiKey = Static<typeof CreatedApiKey>;
export const ApiKeyList = listOf('apiKeys', ApiKey);

export const AuditEntry = Type.Object({
  id: Id,
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  detail: Nullable(Type.String()),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditQuery = Closed({
  limit: PageLimit(500),
  beforeId: Type.Optional(Id),
});
export const AuditList = listOf('entries', AuditEntry);
