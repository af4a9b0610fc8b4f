/**
 * A few GETs answered before Fastify's router, for what every terminal asks within seconds of an
 * alert (the voice clip: 10,000 downloads in a few seconds on a shared core). A fast handler
 * answers only the plain successful case and returns false for everything else — another method,
 * URL, credential, a refusal, a hub closing — which then goes through Fastify's route as usual, so
 * errors, access rules and logs stay those of the route.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';

/** Answers `req` and returns true, or returns false without touching `res`. */
export type FastGet = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastGets {
  add(handler: FastGet): void;
  /** From the hub's close on, every request goes to Fastify (which answers 503 while closing). */
  close(): void;
  serverFactory: FastifyServerFactory;
}

interface FactoryOptions {
  http?: http.ServerOptions | null;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

export function createFastGets(): FastGets {
  const handlers: FastGet[] = [];
  let open = true;
  return {
    add: (handler) => void handlers.push(handler),
    close: () => {
      open = false;
    },
    // What Fastify's own factory does for a plain HTTP/1 server, with the fast handlers first.
    serverFactory: (handler, opts) => {
      const options = opts as FactoryOptions;
      const server = http.createServer(options.http ?? {}, (req, res) => {
        if (open && req.method === 'GET') for (const fast of handlers) if (fast(req, res)) return;
        handler(req, res);
      });
      if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
      if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
      if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
      if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
      return server;
    },
  };
}
