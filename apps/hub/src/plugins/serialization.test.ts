import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { firstDifference, registerSerialization } from './serialization';

async function appWith(strict: boolean) {
  const app = Fastify();
  registerSerialization(app, { strict });
  app.setErrorHandler((err: Error, _request, reply) => reply.status(500).send({ message: err.message }));
  const Answer = Type.Object({ id: Type.Integer(), name: Type.String() });
  // The handler sends a field its response schema does not name, and a number where a string belongs.
  app.get('/extra', { schema: { response: { 200: Answer } } }, async () => ({ id: 1, name: 'a', note: 'kept?' }));
  app.get('/coerced', { schema: { response: { 200: Answer } } }, async () => ({ id: 1, name: 7 }));
  app.get('/exact', { schema: { response: { 200: Answer } } }, async () => ({ id: 1, name: 'a', absent: undefined }));
  await app.ready();
  return app;
}

describe('response serialization', () => {
  it('in strict mode refuses an answer the schema would change, naming the route and the field', async () => {
    const app = await appWith(true);
    const extra = await app.inject({ method: 'GET', url: '/extra' });
    expect(extra.statusCode).toBe(500);
    expect(extra.json().message).toBe(
      'GET /extra 200: the response schema does not carry "note" as the handler sent it',
    );
    const coerced = await app.inject({ method: 'GET', url: '/coerced' });
    expect(coerced.statusCode).toBe(500);
    expect(coerced.json().message).toContain('"name"');
    const exact = await app.inject({ method: 'GET', url: '/exact' });
    expect(exact.statusCode).toBe(200);
    expect(exact.json()).toEqual({ id: 1, name: 'a' });
    await app.close();
  });

  it('otherwise serializes with the schema as Fastify does (this is what strict mode guards against)', async () => {
    const app = await appWith(false);
    expect((await app.inject({ method: 'GET', url: '/extra' })).json()).toEqual({ id: 1, name: 'a' });
    expect((await app.inject({ method: 'GET', url: '/coerced' })).json()).toEqual({ id: 1, name: '7' });
    await app.close();
  });

  it('names the first differing path', () => {
    expect(firstDifference({ a: [{ b: 1, c: 2 }] }, { a: [{ b: 1 }] })).toBe('a[0].c');
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeNull();
    expect(firstDifference([1], { 0: 1 })).toBe('(the whole answer)');
  });
});
