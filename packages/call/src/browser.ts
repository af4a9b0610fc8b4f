/** simple-peer's self-contained browser build (its polyfills included), for the web apps. */
// @ts-expect-error: the prebuilt bundle has no type declarations of its own
import SimplePeerBundle from 'simple-peer/simplepeer.min.js';
import type { PeerConstructor } from './session';

export const BrowserPeer = SimplePeerBundle as PeerConstructor;
