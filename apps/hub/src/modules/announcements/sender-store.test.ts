/** City hall's sender policies per API key, on both engines: one row per key, replaced in place; the schema's rules hold. */
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { createSendersStore, type SenderPolicyRecord } from './sender-store';

describe.each(ENGINES)('sender policies on %s', (engine) => {
  let db: EngineDb;
  beforeAll(async () => {
    db = await openEngine(engine);
  });
  afterAll(() => db.close());

  it('keeps one policy per API key, replaced in place, and refuses what the schema forbids', async () => {
    const store = createSendersStore(engineSql(db));
    const policy = (apiKeyId: number, over: Partial<SenderPolicyRecord> = {}): SenderPolicyRecord => ({
      apiKeyId,
      capSender: `alerts@${apiKeyId}.example.jp`,
      publish: 'hold',
      updatedBy: 'admin',
      updatedAt: 10,
      ...over,
    });
    // The keys the policies reference.
    for (const id of [7, 8])
      await db.query(
        "INSERT INTO api_keys (id, name, role, prefix, key_hash, created_at) VALUES (?, 'k', 'cityhall', 'tsk', ?, 0)",
        [id, `hash-${id}`],
      );
    expect(await store.get(7)).toBeUndefined();
    expect(await store.set(policy(8))).toEqual(policy(8));
    expect(await store.set(policy(7))).toEqual(policy(7));
    expect(await store.set(policy(7, { capSender: null, publish: 'auto', updatedAt: 20 }))).toEqual(
      policy(7, { capSender: null, publish: 'auto', updatedAt: 20 }),
    );
    expect(await store.get(7)).toEqual(policy(7, { capSender: null, publish: 'auto', updatedAt: 20 }));
    expect((await store.list()).map((p) => p.apiKeyId)).toEqual([7, 8]);
    const refused = { message: expect.any(String) };
    await expect(store.set(policy(8, { capSender: 'two words' }))).rejects.toMatchObject(refused);
    await expect(store.set(policy(8, { publish: 'sometimes' as 'auto' }))).rejects.toMatchObject(refused);
    expect(await store.get(8)).toEqual(policy(8));
  });
});
