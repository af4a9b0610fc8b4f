/**
 * Opens a request context (lib/request-context.ts) for every HTTP request. Fastify runs the
 * validation and the handler in another async context than `onRequest` (after the body has been
 * read), so the context is entered again there through the same AsyncResource, as
 * @fastify/request-context does.
 */
import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { runWithRequestContext } from '../lib/request-context';

const RESOURCE = Symbol('requestContextResource');
type WithResource = { [RESOURCE]?: AsyncResource };

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Asked by every terminal within seconds of an alert (the voice clip): no request context (its
     * handler logs nothing and audits nothing) and counted without a duration histogram.
     */
    hotPath?: boolean;
  }
}

export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config?.hotPath) return done();
    runWithRequestContext({ address: request.ip }, () => {
      const resource = new AsyncResource('tsunagu-request-context');
      (request as WithResource)[RESOURCE] = resource;
      resource.runInAsyncScope(done, request.raw);
    });
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const resource = (request as WithResource)[RESOURCE];
    if (resource) resource.runInAsyncScope(done, request.raw);
    else done();
  });
}
