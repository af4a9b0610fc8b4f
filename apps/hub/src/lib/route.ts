/**
 * Registers a REST route from the protocol's route table: method, URL, params, query string, body
 * and response schemas all come from `api[key]`, so a handler cannot be registered with another
 * schema than the console is typed against. The TypeBox type provider types `request.params`,
 * `request.query`, `request.body` and what the handler may answer from the same schemas.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Api, type ApiRouteKey, api, splitRouteKey } from '@tsunagu/protocol';
import type {
  FastifyBaseLogger,
  FastifyContextConfig,
  FastifyInstance,
  FastifyReply,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { Access } from './principal';

/** The Fastify schema of a table route (what the type provider reads). */
export interface RouteSchema<K extends ApiRouteKey> extends FastifySchema {
  params: Api[K]['params'];
  querystring: Api[K]['querystring'];
  body: Api[K]['body'];
  response: Api[K]['response'];
}

export type ApiHandler<K extends ApiRouteKey> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  FastifyContextConfig,
  RouteSchema<K>,
  TypeBoxTypeProvider,
  FastifyBaseLogger
>;

/** What a module adds to a table route: who may call it (`config.access`), limits and documentation tags. */
export interface RouteOptions {
  config: FastifyContextConfig;
  tags: string[];
  bodyLimit?: number;
}

export function route<K extends ApiRouteKey>(
  app: FastifyInstance,
  key: K,
  options: RouteOptions,
  handler: ApiHandler<K>,
): void {
  const spec: Api[ApiRouteKey] = api[key];
  const { method, url } = splitRouteKey(key);
  const schema: Record<string, unknown> = { tags: options.tags, response: spec.response };
  if (spec.params) schema.params = spec.params;
  if (spec.querystring) schema.querystring = spec.querystring;
  if (spec.body) schema.body = spec.body;
  if (spec.consumes !== undefined) schema.consumes = spec.consumes;
  if (spec.produces !== undefined) schema.produces = [spec.produces];
  if ('description' in spec) schema.description = spec.description;
  app.route({
    method,
    url,
    config: options.config,
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    schema,
    // The handler's types were checked against this route's schemas above; Fastify's own signature
    // cannot follow a key chosen by the caller.
    handler: handler as RouteHandlerMethod,
  });
}

/** Who may call a route (required), its other settings (rate limit, …) and its body limit. */
export type RouteAccess = FastifyContextConfig & { access: Access; bodyLimit?: number };

/**
 * A module's table routes under its documentation tags:
 * `const add = tableRoutes(app, ['shops']); add('DELETE /api/shops/:id', { access: cityhall }, handler)`.
 */
export function tableRoutes(app: FastifyInstance, tags: string[]) {
  return <K extends ApiRouteKey>(key: K, { bodyLimit, ...config }: RouteAccess, handler: ApiHandler<K>): void =>
    route(app, key, { config, tags, ...(bodyLimit !== undefined ? { bodyLimit } : {}) }, handler);
}

export type TableRoutes = ReturnType<typeof tableRoutes>;

/** Takes request bodies of these content types as raw bytes (the route reads and checks them itself). */
export function acceptRawBodies(app: FastifyInstance, contentTypes: readonly string[], bodyLimit: number): void {
  app.addContentTypeParser([...contentTypes], { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
}

/** Answers with a file to save (CSV, XML), never shown inline. */
export function download(reply: FastifyReply, type: string, filename: string, body: string | Buffer) {
  return reply.type(type).header('content-disposition', `attachment; filename="${filename}"`).send(body);
}
