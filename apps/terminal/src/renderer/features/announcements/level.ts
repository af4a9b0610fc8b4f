/** How loud an emergency is on the terminal's one sound channel, and which alarm it starts with. */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import type { SoundLevel } from '../../sound/arbiter';

/** An alerting system's (CAP) or JMA's emergency, or any EEW, outranks the city's own. */
export function emergencyLevel(a: Pick<TerminalAnnouncement, 'source' | 'tone'>): SoundLevel {
  return a.source === 'cap' || a.source === 'jma' || a.tone === 'eew' ? 'national' : 'city';
}

/** An Earthquake Early Warning has its own chime; every other emergency the alarm. */
export const alarmOf = (a: Pick<TerminalAnnouncement, 'tone'>) => (a.tone === 'eew' ? 'eew' : 'alarm');
