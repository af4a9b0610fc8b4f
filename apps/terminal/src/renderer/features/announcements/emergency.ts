/**
 * "An emergency is on screen": a tiny global state other features observe. The call feature holds
 * a call in progress while it is true and resumes it when it becomes false again.
 */
import { useSyncExternalStore } from 'react';

/** Also dispatched on window, for code that does not import this module. */
export const EMERGENCY_EVENT = 'tsunagu:emergency';

let active = false;
const listeners = new Set<(active: boolean) => void>();

export function isEmergencyActive(): boolean {
  return active;
}

/** Calls `listener` whenever the state changes; returns the unsubscribe function. */
export function onEmergencyChange(listener: (active: boolean) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function setEmergencyActive(next: boolean): void {
  if (next === active) return;
  active = next;
  for (const l of listeners) l(active);
  if (typeof window !== 'undefined' && typeof CustomEvent !== 'undefined') {
    window.dispatchEvent(new CustomEvent<{ active: boolean }>(EMERGENCY_EVENT, { detail: { active } }));
  }
}

export function useEmergencyActive(): boolean {
  return useSyncExternalStore(
    (l) => onEmergencyChange(l),
    () => active,
  );
}
