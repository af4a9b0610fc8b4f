/**
 * The enrollment code an installer gave provision.sh, handed to the renderer once. It is short-lived
 * and single-use on the hub, so keeping it on disk until first boot is acceptable, unlike the credential.
 */
import * as fs from 'node:fs';
import type { Log } from './security';

const CODE = /^[0-9]{8}$/;

export function createEnrollmentCodeSource(file: string, log: Log = () => {}) {
  return {
    take(): string | null {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      // Deleted whether or not it is valid: a bad code would otherwise be offered at every boot.
      fs.rmSync(file, { force: true });
      const code = text.trim();
      if (!CODE.test(code)) {
        log(`ignored malformed enrollment code in ${file}`);
        return null;
      }
      return code;
    },
  };
}
