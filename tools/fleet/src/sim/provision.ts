/**
 * Provisioning for a fleet run by hand against a running hub: households and one-time enrollment
 * codes through the REST API with a city-hall API key (the same calls the console makes).
 */
import type { EnrollmentCodeIssued, Household } from '@tsunagu/protocol';
import { pool } from './fleet';
import { expectStatus, requestJson } from './http';

export async function firstDistrictId(hub: string, apiKey: string): Promise<number> {
  const res = await requestJson<{ districts: { id: number }[] }>(hub, '/api/districts', { bearer: apiKey });
  const body = expectStatus(res, [200], 'listing districts');
  const d = body.districts[0];
  if (!d) throw new Error('The hub has no district yet: create one first (or start it with the demo city).');
  return d.id;
}

/** Creates `count` households named "仮想世帯 N" and issues an enrollment code for each. */
export async function provisionHouseholds(
  hub: string,
  apiKey: string,
  count: number,
  options: { districtId?: number; concurrency?: number; prefix?: string } = {},
): Promise<string[]> {
  const districtId = options.districtId ?? (await firstDistrictId(hub, apiKey));
  const prefix = options.prefix ?? `仮想世帯 ${new Date().toISOString().slice(0, 19)}`;
  return pool(
    Array.from({ length: count }, (_, i) => i),
    options.concurrency ?? 16,
    async (i) => {
      const created = await requestJson<Household>(hub, '/api/households', {
        bearer: apiKey,
        body: { name: `${prefix} #${i + 1}`, address: `負荷試験町 ${i + 1}`, districtId },
      });
      const h = expectStatus(created, [201], 'creating a household');
      const issued = await requestJson<EnrollmentCodeIssued>(hub, `/api/households/${h.id}/enrollment-codes`, {
        bearer: apiKey,
        body: {},
      });
      return expectStatus(issued, [201], 'issuing an enrollment code').code;
    },
  );
}

/** Signs a console user in; returns the session cookie for the /staff namespace. */
export async function loginCookie(hub: string, username: string, password: string): Promise<string> {
  const res = await requestJson(hub, '/api/auth/login', { body: { username, password } });
  expectStatus(res, [200], `signing in as ${username}`);
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`signing in as ${username}: the hub set no session cookie`);
  return first.split(';')[0]!;
}
