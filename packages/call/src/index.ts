export { BrowserPeer } from './browser';
export {
  acquireMedia,
  CallSession,
  type CallSessionOptions,
  type CallState,
  type PeerConstructor,
  type SignallingTransport,
  socketTransport,
} from './session';
