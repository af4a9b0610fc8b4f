/** Who is making a request or holds a socket: a staff user, a machine client with an API key, or a terminal. */
import type { StaffRole, User } from '@tsunagu/protocol';
import { AppError } from './errors';

export type Principal =
  | {
      kind: 'user';
      user: User;
      sessionId: number;
      csrfToken: string;
      /** The account must set up two-factor sign-in first: only the set-up routes are open to it. */
      twoFactorPending?: boolean;
    }
  | { kind: 'apikey'; apiKeyId: number; name: string; role: StaffRole }
  | { kind: 'terminal'; terminalId: number; householdId: number };

export type StaffPrincipal = Extract<Principal, { kind: 'user' | 'apikey' }>;
export type TerminalPrincipal = Extract<Principal, { kind: 'terminal' }>;

/** The terminal that sent a command registered with access 'terminal' (checked before the handler runs). */
export function terminalOf(p: Principal): TerminalPrincipal {
  if (p.kind !== 'terminal') throw new AppError(403, 'FORBIDDEN', 'Only a terminal may do this.');
  return p;
}

/**
 * Route and event access rules; every /api route must declare one. `terminals: true` also lets
 * terminals in (the handler then checks the thing was sent to the terminal's household), for the
 * few resources staff and terminals fetch alike (an announcement's voice clip). `apiKeysOnly`: for
 * machine clients only (e.g. the CAP gateway), so a person's session cannot skip the console's guards.
 */
export type Access =
  | 'public'
  | 'terminal'
  | 'staff'
  | { roles: readonly StaffRole[]; admin?: boolean; terminals?: boolean; apiKeysOnly?: boolean };

/** The access rules several modules share. */
export const cityhall = { roles: ['cityhall'] } as const satisfies Access;
export const admin = { roles: ['cityhall'], admin: true } as const satisfies Access;
export const cityhallOrWatcher = { roles: ['cityhall', 'watcher'] } as const satisfies Access;
/** City hall and the people of a shop's line (operators, listening volunteers). */
export const shopStaff = { roles: ['cityhall', 'operator', 'listener'] } as const satisfies Access;

export function staffRole(p: Principal | null): StaffRole | null {
  if (!p) return null;
  if (p.kind === 'user') return p.user.role;
  if (p.kind === 'apikey') return p.role;
  return null;
}

export function actorName(p: Principal | null): string {
  if (!p) return 'anonymous';
  if (p.kind === 'user') return `user:${p.user.id}:${p.user.username}`;
  if (p.kind === 'apikey') return `apikey:${p.apiKeyId}:${p.name}`;
  return `terminal:${p.terminalId}`;
}

/** True when `p` may do something guarded by `access`. */
export function allows(access: Access, p: Principal | null): boolean {
  if (access === 'public') return true;
  if (!p) return false;
  if (access === 'terminal') return p.kind === 'terminal';
  if (p.kind === 'terminal') return typeof access === 'object' && access.terminals === true;
  if (access === 'staff') return true;
  const role = staffRole(p);
  if (!role || !access.roles.includes(role)) return false;
  if (access.apiKeysOnly && p.kind !== 'apikey') return false;
  if (access.admin) return p.kind === 'user' && p.user.admin;
  return true;
}
