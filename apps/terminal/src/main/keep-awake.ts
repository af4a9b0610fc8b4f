/** Keeps the display on while a call or an alert is on screen, and only then. */
import type { PowerSaveBlocker } from 'electron';
import type { KeepAwakeReason } from '../common/ipc';

export function createKeepAwake(powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>) {
  const reasons = new Set<KeepAwakeReason>();
  let blockerId: number | null = null;

  const sync = () => {
    if (reasons.size > 0 && blockerId === null) {
      blockerId = powerSaveBlocker.start('prevent-display-sleep');
    } else if (reasons.size === 0 && blockerId !== null) {
      if (powerSaveBlocker.isStarted(blockerId)) powerSaveBlocker.stop(blockerId);
      blockerId = null;
    }
  };

  return {
    set(reason: KeepAwakeReason, on: boolean): void {
      if (on) reasons.add(reason);
      else reasons.delete(reason);
      sync();
    },
    /** A crashed or reloaded renderer cannot say its call ended, so main forgets every reason. */
    releaseAll(): void {
      reasons.clear();
      sync();
    },
    get active(): boolean {
      return blockerId !== null;
    },
  };
}
export type KeepAwake = ReturnType<typeof createKeepAwake>;
