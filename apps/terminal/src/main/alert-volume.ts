/**
 * An emergency is heard whatever the resident set: the system output is unmuted and raised to
 * full volume for as long as the alert plays, then put back exactly as it was. On the set-top box
 * that is PipeWire's default sink, through WirePlumber's `wpctl` (injected, so it is unit-tested).
 */
import { execFile } from 'node:child_process';

export type RunCommand = (file: string, args: readonly string[]) => Promise<string>;

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 5_000 }, (err, stdout) => (err ? reject(err) : resolve(String(stdout))));
  });

const SINK = '@DEFAULT_AUDIO_SINK@';

/** `wpctl get-volume` prints e.g. "Volume: 0.40" or "Volume: 0.40 [MUTED]". */
export function parseWpctlVolume(output: string): { volume: number; muted: boolean } | null {
  const m = /Volume:\s*([0-9]+(?:\.[0-9]+)?)(\s*\[MUTED\])?/.exec(output);
  return m ? { volume: Number(m[1]), muted: m[2] !== undefined } : null;
}

export interface AlertVolume {
  /** Full volume and unmuted (remembering the resident's setting); false puts it back. */
  set(on: boolean): Promise<void>;
  readonly raised: boolean;
}

export function createAlertVolume(options: { run?: RunCommand; wpctl?: string; log?: (m: string) => void } = {}) {
  const run = options.run ?? runCommand;
  const wpctl = options.wpctl ?? 'wpctl';
  const log = options.log ?? (() => undefined);
  let saved: { volume: number; muted: boolean } | null = null;
  let raised = false;
  // One change at a time, in order: a quick on/off/on must end on.
  let queue: Promise<void> = Promise.resolve();

  const apply = async (on: boolean) => {
    if (on === raised) return;
    try {
      if (on) {
        saved = parseWpctlVolume(await run(wpctl, ['get-volume', SINK]));
        await run(wpctl, ['set-mute', SINK, '0']);
        await run(wpctl, ['set-volume', SINK, '1.0']);
        raised = true;
        log(
          `alert volume: raised to 100% (was ${saved ? `${Math.round(saved.volume * 100)}%${saved.muted ? ', muted' : ''}` : 'unknown'})`,
        );
      } else {
        raised = false;
        if (!saved) return;
        await run(wpctl, ['set-volume', SINK, saved.volume.toFixed(2)]);
        await run(wpctl, ['set-mute', SINK, saved.muted ? '1' : '0']);
        log(`alert volume: restored to ${Math.round(saved.volume * 100)}%${saved.muted ? ', muted' : ''}`);
        saved = null;
      }
    } catch (error) {
      // No PipeWire (a developer machine): the alert still plays at whatever volume there is.
      log(`alert volume: ${(error as Error).message}`);
    }
  };

  const volume: AlertVolume = {
    set(on) {
      queue = queue.then(() => apply(on));
      return queue;
    },
    get raised() {
      return raised;
    },
  };
  return volume;
}
