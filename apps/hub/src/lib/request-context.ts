/**
 * Where the current request or socket command comes from, for code deep below the route or
 * handler (the audit log): set once per REST request and per socket command, read anywhere in
 * what runs on its behalf (AsyncLocalStorage follows awaits and callbacks).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The client's address (the first X-Forwarded-For entry behind a trusted proxy). */
  address: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The address of the request or socket command being handled, or null (timers, the CLI). */
export function currentAddress(): string | null {
  return storage.getStore()?.address ?? null;
}

/** A socket's client address, as Fastify's `request.ip` would give it for an HTTP request. */
export function handshakeAddress(
  handshake: { address: string; headers: Record<string, string | string[] | undefined> },
  trustProxy: boolean,
): string {
  const forwarded = handshake.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return trustProxy && first ? first : handshake.address;
}
