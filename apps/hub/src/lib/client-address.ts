/**
 * Where a socket comes from, for the audit log. Every audit row is given its address by the code
 * that records it (a route's `request.ip`, a socket's `socket.data.address`): the hub keeps no
 * AsyncLocalStorage, whose promise hooks would tax every promise on the hot paths (issue 17: about
 * a tenth of the check-ins' throughput).
 */

/** A socket's client address, as Fastify's `request.ip` would give it for an HTTP request. */
export function handshakeAddress(
  handshake: { address: string; headers: Record<string, string | string[] | undefined> },
  trustProxy: boolean,
): string {
  const forwarded = handshake.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return trustProxy && first ? first : handshake.address;
}
