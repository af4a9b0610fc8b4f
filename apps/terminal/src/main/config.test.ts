import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, configPathFromEnv, DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from './config';

describe('terminal config', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (content: string) => {
    const file = path.join(dir, 'terminal.json');
    fs.writeFileSync(file, content);
    return file;
  };

  it('loads a valid file and derives the origin and terminal page', () => {
    const config = loadConfig(write(JSON.stringify({ hubUrl: 'https://hub.example.city/' })));
    expect(config).toEqual({
      hubUrl: 'https://hub.example.city',
      hubOrigin: 'https://hub.example.city',
      terminalUrl: 'https://hub.example.city/terminal/',
      allowBasicTextSecrets: false,
      enrollmentCodeFile: '/var/lib/tsunagu/enrollment-code',
    });
  });

  it('keeps a path prefix for a hub behind a reverse proxy', () => {
    const config = parseConfig({ hubUrl: 'https://city.example/tsunagu' }, 'x');
    expect(config.terminalUrl).toBe('https://city.example/tsunagu/terminal/');
    expect(config.hubOrigin).toBe('https://city.example');
  });

  it('explains a missing file and how to fix it', () => {
    const missing = path.join(dir, 'nope.json');
    expect(() => loadConfig(missing)).toThrow(ConfigError);
    expect(() => loadConfig(missing)).toThrow(/does not exist.*provision\.sh/);
  });

  it('rejects invalid JSON', () => {
    expect(() => loadConfig(write('{ hubUrl: '))).toThrow(/not valid JSON/);
  });

  it.each([
    ['not a url', /is not a URL/],
    ['http://hub.example.city', /must start with https:\/\//],
    ['ftp://hub.example.city', /must start with https:\/\//],
    ['https://user:pw@hub.example.city', /user name or password/],
    ['https://hub.example.city/?x=1', /"\?" or "#"/],
  ])('rejects the bad hub URL %s with a clear error', (hubUrl, message) => {
    expect(() => loadConfig(write(JSON.stringify({ hubUrl })))).toThrow(message);
  });

  it('accepts plain http on localhost for development', () => {
    expect(parseConfig({ hubUrl: 'http://localhost:3000' }, 'x').hubOrigin).toBe('http://localhost:3000');
  });

  it('rejects unknown keys and missing hubUrl, naming the field', () => {
    expect(() => parseConfig({ hubURL: 'https://a.example' }, 'f.json')).toThrow(/f\.json is invalid/);
    expect(() => parseConfig({}, 'f.json')).toThrow(/hubUrl/);
  });

  it('reads the path from TSUNAGU_TERMINAL_CONFIG', () => {
    expect(configPathFromEnv({})).toBe(DEFAULT_CONFIG_PATH);
    expect(configPathFromEnv({ TSUNAGU_TERMINAL_CONFIG: '/tmp/t.json' })).toBe('/tmp/t.json');
  });
});
