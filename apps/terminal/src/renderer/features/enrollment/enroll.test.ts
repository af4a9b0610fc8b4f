import { enroll, failureFor, isCompleteCode } from './enroll';

const respond = (status: number, body: unknown) =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })) as unknown as typeof fetch;

describe('enroll', () => {
  it('returns the credential on success and posts the code to the hub', async () => {
    const calls: [string, RequestInit][] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response(JSON.stringify({ terminalId: 1, householdId: 2, credential: 'secret' }), { status: 200 });
    }) as unknown as typeof fetch;
    await expect(enroll('http://hub/', '12345678', fetchImpl)).resolves.toEqual({
      ok: true,
      data: { terminalId: 1, householdId: 2, credential: 'secret' },
    });
    expect(calls[0]?.[0]).toBe('http://hub/api/terminals/enroll');
    expect(calls[0]?.[1].body).toBe(JSON.stringify({ code: '12345678' }));
  });

  it.each([
    [400, 'ENROLLMENT_CODE_INVALID', 'invalid'],
    [400, 'VALIDATION_FAILED', 'invalid'],
    [410, 'ENROLLMENT_CODE_EXPIRED', 'expired'],
    [409, 'ENROLLMENT_CODE_USED', 'used'],
    [429, 'RATE_LIMITED', 'rateLimited'],
    [400, 'SOMETHING_NEW', 'unknown'],
  ])('HTTP %i %s → %s', async (status, code, failure) => {
    await expect(
      enroll('http://hub/', '12345678', respond(status, { error: { code, message: 'x' } })),
    ).resolves.toEqual({
      ok: false,
      failure,
    });
  });

  it('treats an unreachable hub or a bare 502 as a network problem', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(enroll('http://hub/', '12345678', down)).resolves.toEqual({ ok: false, failure: 'network' });
    await expect(enroll('http://hub/', '12345678', respond(502, 'bad gateway'))).resolves.toEqual({
      ok: false,
      failure: 'network',
    });
  });

  it('rejects a success without a credential', async () => {
    await expect(enroll('http://hub/', '12345678', respond(200, { terminalId: 1 }))).resolves.toEqual({
      ok: false,
      failure: 'unknown',
    });
  });
});

describe('helpers', () => {
  it('failureFor maps unknown input to unknown', () => {
    expect(failureFor(undefined)).toBe('unknown');
  });
  it('isCompleteCode wants exactly eight digits', () => {
    expect(isCompleteCode('12345678')).toBe(true);
    expect(isCompleteCode('1234567')).toBe(false);
    expect(isCompleteCode('1234567a')).toBe(false);
  });
});
