/**
 * Device credentials that authenticated, kept in memory: a terminal's requests and socket connects
 * (10,000 clip downloads or reconnects in a few seconds) then cost a map lookup instead of a SHA-256
 * and an indexed row each. The terminals service forgets an entry the moment its terminal is revoked
 * (revoke, replace, household closed) or its household enrols another terminal, before the caller
 * returns; nothing else changes who a credential belongs to. Other hubs on the same PostgreSQL
 * database hear of it through the change feed (`TERMINALS_CHANNEL`) and forget it too.
 */
import type { Principal } from '../../lib/principal';

export type TerminalPrincipal = Extract<Principal, { kind: 'terminal' }>;

export interface CredentialCache {
  get(credential: string): TerminalPrincipal | undefined;
  /** A count that moves on every forget: read it before a lookup and pass it to `remember`. */
  readonly generation: number;
  /** Keeps a credential found valid by a lookup that began at `generation`; ignored if anything was forgotten since. */
  remember(credential: string, principal: TerminalPrincipal, generation: number): TerminalPrincipal;
  /** Forgets every credential of the household's terminals (a household has one terminal at a time). */
  forget(householdId: number): void;
  /** Forgets every credential (revokes made meanwhile by another hub may have been missed). */
  forgetAll(): void;
  readonly size: number;
}

/**
 * At most `capacity` credentials are kept (the oldest go first), so a flood of valid-but-old
 * credentials cannot grow the hub's memory; unknown credentials are never kept.
 */
export function createCredentialCache(capacity = 100_000): CredentialCache {
  const byCredential = new Map<string, TerminalPrincipal>();
  // A household has one terminal at a time: its one credential as a string, a Set only for more
  // (a Set per household was ~0.2 KB of each idle terminal's heap, docs/benchmarks.md).
  const byHousehold = new Map<number, string | Set<string>>();
  const credentialsOf = (householdId: number): string[] => {
    const held = byHousehold.get(householdId);
    return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
  };
  let generation = 0;

  function drop(credential: string) {
    const p = byCredential.get(credential);
    if (!p) return;
    byCredential.delete(credential);
    const held = byHousehold.get(p.householdId);
    if (held === credential) byHousehold.delete(p.householdId);
    else if (typeof held === 'object') {
      held.delete(credential);
      if (held.size === 1) byHousehold.set(p.householdId, held.values().next().value!);
    }
  }

  return {
    get: (credential) => byCredential.get(credential),
    get generation() {
      return generation;
    },
    get size() {
      return byCredential.size;
    },
    remember(credential, principal, since) {
      // A revoke that ran while this lookup was in flight (an async store) must win.
      if (since !== generation) return principal;
      const kept = Object.freeze({ ...principal });
      drop(credential);
      if (byCredential.size >= capacity) drop(byCredential.keys().next().value!);
      byCredential.set(credential, kept);
      const held = byHousehold.get(kept.householdId);
      if (held === undefined) byHousehold.set(kept.householdId, credential);
      else if (typeof held === 'string') byHousehold.set(kept.householdId, new Set([held, credential]));
      else held.add(credential);
      return kept;
    },
    forget(householdId) {
      generation++;
      for (const credential of credentialsOf(householdId)) drop(credential);
    },
    forgetAll() {
      generation++;
      byCredential.clear();
      byHousehold.clear();
    },
  };
}
