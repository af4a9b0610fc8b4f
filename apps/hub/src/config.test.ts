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

  it('reads who may see /metrics: a bearer token and/or a separate monitoring address', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, listen: null });
    const token = 'a'.repeat(32);
    expect(loadConfig({ TSUNAGU_METRICS_TOKEN: token, TSUNAGU_METRICS_LISTEN: '10.0.0.5:9464' }).metrics).toEqual({
      token,
      listen: { host: '10.0.0.5', port: 9464 },
    });
    expect(loadConfig({ TSUNAGU_METRICS_LISTEN: '[::1]:9464' }).metrics.listen).toEqual({ host: '::1', port: 9464 });
    expect(() => loadConfig({ TSUNAGU_METRICS_TOKEN: 'short' })).toThrow(/TSUNAGU_METRICS_TOKEN must be at least 24/);
    expect(() => loadConfig({ TSUNAGU_METRICS_LISTEN: '9464' })).toThrow(/TSUNAGU_METRICS_LISTEN must be host:port/);
    expect(loadConfig({ NODE_ENV: 'development' }).development).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).development).toBe(false);
  });

  it('reads the disk-space thresholds and the retry hint for STORAGE_UNAVAILABLE', () => {
    const MiB = 1024 * 1024;
    expect(loadConfig({})).toMatchObject({
      disk: { warnBytes: 1024 * MiB, reserveBytes: 256 * MiB },
      storageRetrySeconds: 30,
    });
    expect(
      loadConfig({ TSUNAGU_DISK_WARN_MB: '8', TSUNAGU_DISK_RESERVE_MB: '4', TSUNAGU_STORAGE_RETRY_SECONDS: '2' }),
    ).toMatchObject({ disk: { warnBytes: 8 * MiB, reserveBytes: 4 * MiB }, storageRetrySeconds: 2 });
    expect(() => loadConfig({ TSUNAGU_DISK_WARN_MB: '1.5' })).toThrow(/TSUNAGU_DISK_WARN_MB must be a whole number/);
    expect(() => loadConfig({ TSUNAGU_DISK_WARN_MB: '100', TSUNAGU_DISK_RESERVE_MB: '200' })).toThrow(
      /TSUNAGU_DISK_RESERVE_MB must not be more than TSUNAGU_DISK_WARN_MB/,
    );
    expect(() => loadConfig({ TSUNAGU_STORAGE_RETRY_SECONDS: '0' })).toThrow(/TSUNAGU_STORAGE_RETRY_SECONDS must be/);
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
