/**
 * Response serialization. Fastify writes JSON answers with the route's response schema (fast and
 * documented), which silently drops any field the schema does not name and coerces values to the
 * schema's types. In strict mode (the tests) every answer is also compared with plain
 * JSON.stringify, and a difference is an error naming the route and the field, so a field a client
 * needs can never disappear from the wire unnoticed.
 */
import { isDeepStrictEqual } from 'node:util';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance } from 'fastify';

/** The first path where `expected` and `actual` differ, e.g. `announcements[0].counts`. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | null {
  if (isDeepStrictEqual(expected, actual)) return null;
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null)
    return path || '(the whole answer)';
  if (Array.isArray(expected) !== Array.isArray(actual)) return path || '(the whole answer)';
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const sub = Array.isArray(expected) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const d = firstDifference(
      (expected as Record<string, unknown>)[key],
      (actual as Record<string, unknown>)[key],
      sub,
    );
    if (d) return d;
  }
  return path || '(the whole answer)';
}

export class ResponseSchemaMismatch extends Error {
  constructor(route: string, field: string) {
    super(`${route}: the response schema does not carry "${field}" as the handler sent it`);
    this.name = 'ResponseSchemaMismatch';
  }
}

// One compiler and one serializer per response schema for the whole process: a serializer
// depends only on its schema, so a second hub in the same process (tests build hundreds) reuses
// what the first compiled.
const compile = SerializerSelector()({}, {});
const compiled = new WeakMap<object, (data: unknown) => string>();

function serializerFor(route: Parameters<typeof compile>[0]): (data: unknown) => string {
  const schema = route.schema as object;
  let fast = compiled.get(schema);
  if (!fast) {
    fast = compile(route) as (data: unknown) => string;
    compiled.set(schema, fast);
  }
  return fast;
}

export function registerSerialization(app: FastifyInstance, options: { strict: boolean }): void {
  app.setSerializerCompiler((route) => {
    const fast = serializerFor({ ...route, httpStatus: route.httpStatus ?? 'default' });
    if (!options.strict) return fast;
    const where = `${route.method} ${route.url} ${route.httpStatus}`;
    return (data: unknown) => {
      const out = fast(data);
      // Compare with what JSON.stringify would have sent (Dates and toJSON() as the client sees them).
      const field = firstDifference(JSON.parse(JSON.stringify(data) ?? 'null'), JSON.parse(out));
      if (field !== null) throw new ResponseSchemaMismatch(where, field);
      return out;
    };
  });
}
