import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, '/srv/x');
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/x/data'),
      timeZone: 'Asia/Tokyo',
      seedDemo: true,
      turn: null,
    });
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('reads PORT, HOST, TSUNAGU_DATA_DIR and TSUNAGU_TZ', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      TSUNAGU_DATA_DIR: '/var/lib/tsunagu',
      TSUNAGU_TZ: 'Europe/Berlin',
    });
    expect(c).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: '/var/lib/tsunagu', timeZone: 'Europe/Berlin' });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ TSUNAGU_TZ: 'Mars/Olympus' }, /TSUNAGU_TZ must be an IANA time zone/],
    [{ TSUNAGU_SEED_DEMO: 'maybe' }, /TSUNAGU_SEED_DEMO must be true or false/],
    [{ TSUNAGU_PUBLIC_URL: 'ftp://x' }, /TSUNAGU_PUBLIC_URL/],
    [{ TSUNAGU_TURN_URLS: 'turn:turn.example:3478' }, /TSUNAGU_TURN_SECRET must be set/],
  ])('refuses %p with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', TSUNAGU_TZ: 'nowhere' });
      throw new Error('should have thrown');
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });
});
