/** Types `window.terminal` for the renderer; it is undefined outside the Electron kiosk. */
import type { TerminalBridge } from '../common/ipc';

declare global {
  interface Window {
    terminal?: TerminalBridge;
  }
}
