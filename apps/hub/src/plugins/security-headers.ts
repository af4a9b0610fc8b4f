/**
 * Security headers (helmet's, with the hub's Content-Security-Policy) on every answer. helmet works
 * out its header values when it is set up; @fastify/helmet set it up again on every request, which
 * cost ~0.2 ms of a 10,000-terminal clip download (the CSP parsed and joined anew). Here helmet works
 * them out once and every answer gets that list — the same headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** The headers helmet sets with these options (they must not depend on the request: no CSP nonces or functions). */
export function helmetHeaders(options: HelmetOptions): HeaderList {
  const headers: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: string | number) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers.map((h) => Object.freeze(h)));
}

export function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}

export function registerSecurityHeaders(app: FastifyInstance, headers: HeaderList): void {
  app.addHook('onRequest', (_request, reply, done) => {
    setHeaders(reply.raw, headers);
    done();
  });
}
