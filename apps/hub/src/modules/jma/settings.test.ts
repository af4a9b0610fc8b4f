/** The JMA settings: areas from TSUNAGU_JMA_AREAS or an administrator, the policy, both audited. */
import type { AuditEntry, JmaSettings } from '@tsunagu/protocol';
import { loadConfig } from '../../config';
import { as, sessionFor, type TestHub, withHub } from '../../testing/harness';
import { JMA_CITIES, jmaSample } from '../../testing/jma';
import { parseAreas } from './areas';
import { DEFAULT_POLICY } from './policy';

describe('TSUNAGU_JMA_* configuration', () => {
  it('reads typed areas, the age limit and feeds, and names every mistake', () => {
    const ok = loadConfig({ TSUNAGU_JMA_AREAS: 'quake:351, city:1320400,tsunami:312', TSUNAGU_JMA_MAX_AGE: '0' });
    expect(ok.jma).toEqual({
      areas: [
        { type: 'quake', code: '351' },
        { type: 'city', code: '1320400' },
        { type: 'tsunami', code: '312' },
      ],
      maxAgeSeconds: 0,
      feeds: [],
      pollSeconds: 60,
    });
    expect(loadConfig({}).jma).toMatchObject({ areas: null, maxAgeSeconds: 600 });
    expect(() =>
      loadConfig({
        TSUNAGU_JMA_AREAS: '351,quake:35,city:1320400,city:1320400',
        TSUNAGU_JMA_MAX_AGE: '-5',
        TSUNAGU_JMA_FEEDS: 'ftp://x',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'TSUNAGU_JMA_AREAS: "351" must be a code with its type: quake:NNN (地震情報／細分区域), city:NNNNNNN (市町村等) or tsunami:NNN (津波予報区)',
          'TSUNAGU_JMA_AREAS: "quake:35" is not a quake code (like quake:351)',
          'TSUNAGU_JMA_AREAS: "city:1320400" is listed twice',
          'TSUNAGU_JMA_MAX_AGE must be a whole number of seconds, at least 0 (got "-5")',
          'TSUNAGU_JMA_FEEDS entries must be http(s) URLs (got "ftp://x")',
        ],
      }),
    );
  });
});

describe('GET/PATCH /api/jma/settings', () => {
  let hub: TestHub;
  withHub('each', (made) => (hub = made), {
    config: { jma: { areas: parseAreas(JMA_CITIES.mitaka).areas, maxAgeSeconds: 0, feeds: [], pollSeconds: 60 } },
  });
  const admin = () => as(hub, sessionFor(hub, hub.fixture.users.admin));
  const clerk = () => as(hub, sessionFor(hub, hub.fixture.users.cityhall));

  it('shows city hall the areas from the environment and the default policy', async () => {
    const res = await clerk()({ method: 'GET', url: '/api/jma/settings' });
    expect(res.json()).toEqual({
      areas: parseAreas(JMA_CITIES.mitaka).areas,
      areasSource: 'environment',
      policy: DEFAULT_POLICY,
      maxAgeSeconds: 0,
      feeds: [],
    });
  });

  it('lets an administrator change areas and policy (audited, with before and after), and the rules follow', async () => {
    const { key } = await hub.services.accounts.createApiKey('j-alert', 'cityhall', null);
    const eew = jmaSample('37_02_01_100915_VXSE40.xml');
    const post = (xml: string) =>
      as(hub, { bearer: key })({
        method: 'POST',
        url: '/api/jma',
        headers: { 'content-type': 'application/xml' },
        payload: xml,
      });
    expect((await post(eew)).statusCode).toBe(200);

    const policy = { ...DEFAULT_POLICY, eew: 'ignore' as const };
    const res = await admin()({
      method: 'PATCH',
      url: '/api/jma/settings',
      payload: { areas: parseAreas(JMA_CITIES.ishinomaki).areas, policy },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<JmaSettings>()).toMatchObject({ areasSource: 'admin', policy: { eew: 'ignore' } });
    const audit = (await admin()({ method: 'GET', url: '/api/audit' })).json<{ entries: AuditEntry[] }>().entries;
    const entry = audit.find((e) => e.action === 'jma.settings')!;
    expect(JSON.parse(entry.detail!)).toMatchObject({
      areasBefore: parseAreas(JMA_CITIES.mitaka).areas,
      areasAfter: parseAreas(JMA_CITIES.ishinomaki).areas,
      policyBefore: { eew: 'emergency' },
      policyAfter: { eew: 'ignore' },
    });
    // The EEW now covers the city, but the policy says not to announce it.
    const again = await post(eew.replace('<Serial>1</Serial>', '<Serial>2</Serial>'));
    expect(again.json()).toMatchObject({ result: 'ignored', reason: expect.stringContaining('policy') });
  });

  it('refuses a clerk, bad codes, a threshold upside down and an unknown placeholder, naming each', async () => {
    expect((await clerk()({ method: 'PATCH', url: '/api/jma/settings', payload: { areas: [] } })).statusCode).toBe(403);
    const bad = await admin()({
      method: 'PATCH',
      url: '/api/jma/settings',
      payload: {
        areas: [{ type: 'city', code: '351' }],
        policy: {
          ...DEFAULT_POLICY,
          intensityImportantFrom: '6-',
          templates: {
            ...DEFAULT_POLICY.templates,
            eew: { ...DEFAULT_POLICY.templates.eew, bodyJa: '{city}で揺れます' },
          },
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      { path: 'body.areas', message: '"city:351" is not a city code (like city:1320400)' },
      { path: 'body.policy.intensityImportantFrom', message: 'must not be higher than intensityEmergencyFrom' },
      {
        path: 'body.policy.templates.eew.bodyJa',
        message: expect.stringContaining('{city} is not a placeholder'),
      },
    ]);
    expect((await clerk()({ method: 'GET', url: '/api/jma/settings' })).json()).toMatchObject({
      areasSource: 'environment',
    });
  });
});
