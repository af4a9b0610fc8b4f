// A TCP proxy that injects network faults (delay, drop, reset, stall, refuse) between clients and the hub.
// It lives in apps/hub/src/reliability (tested there by tcp-proxy.test.ts, where jest's unit project finds it).
export { TcpProxy } from '../../tools/fleet/src/reliability/tcp-proxy';
