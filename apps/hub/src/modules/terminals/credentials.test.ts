import { type TestHub, withHub } from '../../testing/harness';
import { createCredentialCache } from './credentials';

describe('credential cache', () => {
  const principal = (terminalId: number, householdId: number) => ({
    kind: 'terminal' as const,
    terminalId,
    householdId,
  });

  it('forgets a household at once and ignores a lookup that began before the forget', () => {
    const cache = createCredentialCache();
    cache.remember('tsd_a', principal(1, 10), cache.generation);
    cache.remember('tsd_b', principal(2, 20), cache.generation);
    const before = cache.generation;
    cache.forget(10);
    expect(cache.get('tsd_a')).toBeUndefined();
    expect(cache.get('tsd_b')).toEqual(principal(2, 20));
    // A lookup that read the row before the revoke must not put the credential back.
    cache.remember('tsd_a', principal(1, 10), before);
    expect(cache.get('tsd_a')).toBeUndefined();
  });

  it('forgets every credential of a household that holds several, also after one was dropped', () => {
    const cache = createCredentialCache(3);
    cache.remember('tsd_a', principal(1, 10), cache.generation);
    cache.remember('tsd_b', principal(2, 10), cache.generation);
    cache.remember('tsd_c', principal(3, 10), cache.generation);
    cache.remember('tsd_x', principal(4, 20), cache.generation); // over capacity: tsd_a goes
    expect(cache.get('tsd_a')).toBeUndefined();
    cache.remember('tsd_a', principal(1, 10), cache.generation); // tsd_b goes
    cache.forget(10);
    for (const c of ['tsd_a', 'tsd_b', 'tsd_c']) expect(cache.get(c)).toBeUndefined();
    expect(cache.get('tsd_x')).toEqual(principal(4, 20));
    // Down to one and back to two.
    cache.remember('tsd_d', principal(5, 30), cache.generation);
    cache.remember('tsd_e', principal(6, 30), cache.generation);
    cache.forget(20);
    cache.remember('tsd_f', principal(7, 30), cache.generation); // capacity: tsd_d goes, two left
    cache.forget(30);
    expect(cache.size).toBe(0);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const cache = createCredentialCache(2);
    for (const [c, id] of [
      ['tsd_1', 1],
      ['tsd_2', 2],
      ['tsd_3', 3],
    ] as const)
      cache.remember(c, principal(id, id), cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get('tsd_1')).toBeUndefined();
    expect(cache.get('tsd_3')).toEqual(principal(3, 3));
    cache.forget(1); // the dropped one's household: nothing left to forget, no error
    expect(cache.size).toBe(2);
  });
});

// Each case uses the credential first (HTTP and a socket), so it is answered from memory, then
// ends it: the very next request and connect must be refused.
describe('a terminal credential that was in use', () => {
  let hub: TestHub;
  withHub('each', (made) => (hub = made));

  const profile = async (credential: string) =>
    (await hub.as({ bearer: credential })({ method: 'GET', url: '/api/terminal/profile' })).statusCode;
  const cityhall = async (method: 'POST', url: string, payload?: object) =>
    (await hub.as(await hub.login('cityhall'))({ method, url, payload })).statusCode;

  async function inUse(householdIndex = 0) {
    const t = await hub.enrollTerminal(hub.fixture.households[householdIndex]!);
    expect(await profile(t.credential)).toBe(200);
    expect(await profile(t.credential)).toBe(200);
    (await hub.connectTerminal(t.credential)).close();
    return t;
  }
  async function refused(credential: string) {
    expect(await profile(credential)).toBe(401);
    await expect(hub.connectTerminal(credential)).rejects.toMatchObject({ data: { code: 'CREDENTIAL_REVOKED' } });
  }

  it('is refused at once after city hall revokes it', async () => {
    const other = await inUse(1);
    const t = await inUse();
    expect(await cityhall('POST', `/api/terminals/${t.terminalId}/revoke`)).toBe(200);
    await refused(t.credential);
    expect(await profile(other.credential)).toBe(200);
  });

  it('is refused at once after city hall replaces the terminal', async () => {
    const t = await inUse();
    expect(await cityhall('POST', `/api/terminals/${t.terminalId}/replace`)).toBe(201);
    await refused(t.credential);
  });

  it('is refused at once when its household enrols another terminal', async () => {
    const t = await inUse();
    const next = await hub.enrollTerminal(hub.fixture.households[0]!);
    await refused(t.credential);
    expect(await profile(next.credential)).toBe(200);
  });

  it('is refused at once when its household is closed', async () => {
    const t = await inUse();
    expect(await cityhall('POST', `/api/households/${hub.fixture.households[0]}/close`, { reason: '転出' })).toBe(200);
    await refused(t.credential);
  });
});
