/** The CAP gateway against hostile and wrong input (XXE, billion laughs, floods, wrong types), and the CAP → kind mapping. */
import { cap, type Gateway, withGateway } from '../../testing/cap';
import { kindOfInfo } from './cap/map';

describe('CAP gateway: hostile and wrong input', () => {
  let g: Gateway;
  withGateway('all', (made) => (g = made), '2026-01-05T00:00:00Z');
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  it('refuses a DOCTYPE outright', async () => {
    const res = await g.post(
      `<?xml version="1.0"?><!DOCTYPE alert><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`,
    );
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
  });

  it('refuses an external entity (XXE) without resolving it', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${cap({})
      .replace(/^<\?xml[^>]*\?>/, '')
      .replace('大雨特別警報', '&xxe;')}`;
    const res = await g.post(xxe);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
    expect(res.body).not.toContain('root:');
  });

  it('refuses billion laughs quickly', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><alert>&lol2;</alert>`;
    const started = Date.now();
    const res = await g.post(lol);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a DOCTYPE hidden in UTF-16', async () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><alert/>', 'utf16le'),
    ]);
    const res = await g.post(body);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
  });

  it('refuses a huge body with 413', async () => {
    const huge = cap({}).replace('命を守る行動をとってください。', 'x'.repeat(600 * 1024));
    const res = await g.post(huge);
    expect(res.statusCode).toBe(413);
    expect(code(res)).toBe('BODY_TOO_LARGE');
  });

  it('refuses a flood of info blocks and keeps the list of problems readable', async () => {
    const flood = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<info><category>Met</category></info>'.repeat(500)}</alert>`;
    const res = await g.post(flood);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { details: { path: string }[] } }).error.details).toEqual([
      { path: 'alert.info', message: 'at most 32 info blocks' },
    ]);
    const many = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<info><area><polygon></polygon></area></info>'.repeat(30)}</alert>`;
    const details = ((await g.post(many)).json() as { error: { details: { path: string; message: string }[] } }).error
      .details;
    expect(details).toHaveLength(101);
    expect(details.at(-1)!.message).toMatch(/^and \d+ more problems$/);
  });

  it('refuses absurdly deep nesting without crashing', async () => {
    const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</alert>`;
    const res = await g.post(deep);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_NOT_XML');
  });

  it('refuses the wrong content type with 415', async () => {
    expect((await g.post(cap({}), 'text/plain')).statusCode).toBe(415);
    const json = await g.post(JSON.stringify({ alert: {} }), 'application/json');
    expect(json.statusCode).toBe(415);
    expect(code(json)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses non-XML, empty bodies and a non-alert root', async () => {
    const junk = await g.post('this is not xml at all <<<');
    expect(junk.statusCode).toBe(400);
    expect(code(junk)).toBe('CAP_NOT_XML');
    const broken = await g.post('<alert><identifier>x</alert>');
    expect(code(broken)).toBe('CAP_NOT_XML');
    expect((await g.post('')).statusCode).toBe(400);
    const notAlert = await g.post('<?xml version="1.0"?><feed/>');
    expect(code(notAlert)).toBe('CAP_INVALID');
  });

  it('needs a city hall API key', async () => {
    const anon = await g.hub.app.inject({
      method: 'POST',
      url: '/api/cap',
      headers: { 'content-type': 'application/cap+xml' },
      payload: cap({}),
    });
    expect(anon.statusCode).toBe(401);
    const { key } = await g.hub.services.accounts.createApiKey('shop-system', 'operator', null);
    const wrongRole = await g.hub.as({ bearer: key })({
      method: 'POST',
      url: '/api/cap',
      headers: { 'content-type': 'application/cap+xml' },
      payload: cap({}),
    });
    expect(wrongRole.statusCode).toBe(403);
  });
});

describe('CAP mapping', () => {
  it('urgency × severity × certainty → kind', () => {
    expect(kindOfInfo({ urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' })).toBe('emergency');
    expect(kindOfInfo({ urgency: 'Expected', severity: 'Severe', certainty: 'Likely' })).toBe('emergency');
    expect(kindOfInfo({ urgency: 'Expected', severity: 'Severe', certainty: 'Possible' })).toBe('important');
    expect(kindOfInfo({ urgency: 'Future', severity: 'Moderate', certainty: 'Likely' })).toBe('important');
    expect(kindOfInfo({ urgency: 'Past', severity: 'Extreme', certainty: 'Observed' })).toBe('routine');
    expect(kindOfInfo({ urgency: 'Unknown', severity: 'Minor', certainty: 'Unknown' })).toBe('routine');
  });
});
