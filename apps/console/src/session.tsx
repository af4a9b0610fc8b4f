/** The signed-in person, the API client and the staff socket, for every page of the shell. */
import type { StaffRole, User } from '@tsunagu/protocol';
import { createContext, useContext } from 'react';
import type { ApiClient } from './api/client';

/** What navigation entries are filtered by: the staff role, plus `admin` for administrators. */
export type NavRole = StaffRole | 'admin';

export function navRolesOf(user: Pick<User, 'role' | 'admin'>): NavRole[] {
  return user.admin ? [user.role, 'admin'] : [user.role];
}

export interface Session {
  user: User;
  api: ApiClient;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in shell');
  return session;
}
