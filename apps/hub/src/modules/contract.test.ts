/**
 * The protocol's two tables (Socket.IO events, REST routes) against the hub: every route and
 * command in the tables is what the hub serves (no more, no less, with the table's schemas), every
 * notification is sent somewhere, every schema has an example that validates with the hub's own
 * validators, and response serialization carries every field of every example.
 */
import fs from 'node:fs';
import path from 'node:path';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  type ApiRouteKey,
  api,
  examples,
  type NamespaceWire,
  STAFF_NAMESPACE,
  splitRouteKey,
  staffWire,
  TERMINAL_NAMESPACE,
  terminalWire,
} from '@tsunagu/protocol';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { validatePayload } from '../lib/socket-handler';
import { firstDifference } from '../plugins/serialization';
import { emitAck, type TestHub, withHub } from '../testing/harness';

// The hub's validators (app.ts): bodies without coercion, URL parts coerced from strings.
const options = { allErrors: true, removeAdditional: false, useDefaults: true } as const;
const ajvBody = addFormats(new Ajv({ ...options, coerceTypes: false }));
const ajvUrl = addFormats(new Ajv({ ...options, coerceTypes: 'array' }));
const serializer = SerializerSelector()({}, {});

function invalid(ajv: Ajv, schema: TSchema, example: unknown): string | null {
  const validate = ajv.compile(schema);
  return validate(structuredClone(example)) ? null : ajv.errorsText(validate.errors);
}

const tables: [string, NamespaceWire][] = [
  [TERMINAL_NAMESPACE, terminalWire],
  [STAFF_NAMESPACE, staffWire],
];
const routeKeys = Object.keys(api) as ApiRouteKey[];

describe('the protocol tables and the hub', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made));

  it('serves exactly the routes of the table, each with the schemas the table gives it', () => {
    const served = hub.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(served).toEqual([...routeKeys].sort());
    for (const key of routeKeys) {
      const { method, url } = splitRouteKey(key);
      const registered = hub.apiRoutes.find((r) => r.method === method && r.url === url)!;
      const schema = registered.schema as Record<string, unknown>;
      const spec = api[key];
      expect({ key, params: schema.params, querystring: schema.querystring, body: schema.body }).toEqual({
        key,
        params: spec.params,
        querystring: spec.querystring,
        body: spec.body,
      });
      expect(schema.response).toBe(spec.response);
    }
  });

  it('registers every terminal command once for the namespace, before any terminal connects', () => {
    // Per connection, a command costs each terminal a closure and a table entry (issue 17: memory
    // per idle terminal); the dispatcher serves the namespace's commands to every socket.
    const registered = [...hub.ctx.sockets.commands.values()]
      .filter((c) => c.namespace === TERMINAL_NAMESPACE)
      .map((c) => c.event);
    expect(registered.sort()).toEqual(Object.keys(terminalWire.commands).sort());
  });

  it('registers exactly the commands of both event tables, with the table’s payload schemas', async () => {
    const terminal = await hub.terminal(0);
    const staff = await hub.connectStaff(hub.sessionFor(hub.fixture.users.cityhall));
    try {
      // Handlers are registered when a socket connects: once both answer, all of theirs are in.
      await terminal.profile;
      await emitAck(staff, 'staff:ping', {});
      const registered = [...hub.ctx.sockets.commands.values()];
      for (const [namespace, wire] of tables) {
        const names = registered.filter((c) => c.namespace === namespace).map((c) => c.event);
        expect({ namespace, commands: names.sort() }).toEqual({
          namespace,
          commands: Object.keys(wire.commands).sort(),
        });
        for (const c of registered.filter((r) => r.namespace === namespace))
          expect(c.schema).toBe(wire.commands[c.event]!.payload);
      }
    } finally {
      terminal.close();
      staff.close();
    }
  });

  it('sends every notification of the tables from somewhere in the hub', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) sources.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(__dirname, '..'));
    const code = sources.join('\n');
    const silent = tables.flatMap(([namespace, wire]) =>
      Object.keys(wire.notifications)
        .filter((event) => !new RegExp(`emit\\(\\s*'${event}'`).test(code))
        .map((event) => `${namespace} ${event}`),
    );
    expect(silent).toEqual([]);
  });
});

describe('every schema has an example that validates', () => {
  it.each(tables)('%s commands: payloads with the hub’s socket validator, acks as JSON Schema', (_ns, wire) => {
    const failures: string[] = [];
    for (const [event, spec] of Object.entries(wire.commands)) {
      const payload = validatePayload(spec.payload, structuredClone(spec.example.payload));
      if (payload) failures.push(`${event} payload: ${payload.message}`);
      const data = invalid(ajvBody, spec.data, spec.example.data);
      if (data) failures.push(`${event} ack data: ${data}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(tables)('%s notifications', (_ns, wire) => {
    const failures: string[] = [];
    for (const [event, spec] of Object.entries(wire.notifications)) {
      if (spec.payload === null) {
        expect(spec.example).toBeNull();
        continue;
      }
      const problem = invalid(ajvBody, spec.payload, spec.example);
      if (problem) failures.push(`${event}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('routes: params, query strings and bodies with the hub’s request validators; every answer and the error body', () => {
    const failures: string[] = [];
    for (const key of routeKeys) {
      const spec = api[key];
      const ex = spec.examples as Partial<Record<'params' | 'querystring' | 'body', unknown>> & {
        response: Record<string, unknown>;
      };
      for (const part of ['params', 'querystring', 'body'] as const) {
        const schema = spec[part];
        if (!schema) continue;
        if (!(part in ex)) failures.push(`${key} ${part}: no example`);
        const problem = invalid(part === 'body' ? ajvBody : ajvUrl, schema, ex[part]);
        if (problem) failures.push(`${key} ${part}: ${problem}`);
      }
      for (const [status, schema] of Object.entries(spec.response)) {
        const example = status === '4xx' ? examples.error : ex.response[status];
        if (example === undefined) failures.push(`${key} ${status}: no example`);
        else if (spec.produces === undefined || status === '4xx') {
          const problem = invalid(ajvBody, schema as TSchema, example);
          if (problem) failures.push(`${key} ${status}: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('response serialization', () => {
  it('carries every field of every route’s example answers (nothing dropped, nothing coerced)', () => {
    const failures: string[] = [];
    for (const key of routeKeys) {
      const spec = api[key];
      if (spec.produces !== undefined) continue;
      const { method, url } = splitRouteKey(key);
      const answers = spec.examples.response as Record<string, unknown>;
      for (const [httpStatus, schema] of Object.entries(spec.response)) {
        const example = httpStatus === '4xx' ? examples.error : answers[httpStatus];
        const out = serializer({ schema, method, url, httpStatus })(example);
        const lost = firstDifference(example, JSON.parse(out));
        if (lost !== null) failures.push(`${key} ${httpStatus}: ${lost}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

// Compile-time only (tsc -b checks this file): the hub's namespaces follow the protocol's event table.
export function notTheEventTable(hub: TestHub): void {
  // @ts-expect-error: not a notification of the /terminal table
  hub.ctx.sockets.terminals.to('household:1').emit('announcement:publishd', examples.terminalAnnouncement);
  // @ts-expect-error: a payload of another shape than the table's
  hub.ctx.sockets.staff.emit('order:changed', { id: 1 });
  // @ts-expect-error: a /staff notification is not sent to terminals
  hub.ctx.sockets.terminals.emit('order:changed', examples.order);
}
