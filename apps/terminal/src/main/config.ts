/** The terminal's provisioning config: which hub it belongs to. Written once by terminal-image/provision.sh. */
import * as fs from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const DEFAULT_CONFIG_PATH = '/etc/tsunagu/terminal.json';
export const CONFIG_PATH_ENV = 'TSUNAGU_TERMINAL_CONFIG';
export const DEFAULT_ENROLLMENT_CODE_FILE = '/var/lib/tsunagu/enrollment-code';

const ConfigFile = Type.Object(
  {
    hubUrl: Type.String({ minLength: 1, maxLength: 2000 }),
    /**
     * Linux without a keyring (our cage kiosk) only offers Electron's `basic_text` backend, whose key is
     * fixed in Electron. Accepting it must be an explicit, auditable choice; see terminal-image/README.md.
     */
    allowBasicTextSecrets: Type.Optional(Type.Boolean()),
    enrollmentCodeFile: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
type ConfigFile = Static<typeof ConfigFile>;

export interface TerminalConfig {
  /** The hub's base URL without a trailing slash, e.g. `https://hub.example.city`. */
  hubUrl: string;
  /** The only origin the kiosk may show, talk to, or grant camera and microphone to. */
  hubOrigin: string;
  /** The page the kiosk window loads: the hub serves the terminal renderer under `/terminal/`. */
  terminalUrl: string;
  allowBasicTextSecrets: boolean;
  enrollmentCodeFile: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Camera and microphone only work in a secure context, so the hub must be https; plain http is accepted
 * only on loopback, where Chromium treats it as secure (developer machines).
 */
export function parseHubUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`hubUrl "${raw}" is not a URL. Write it like "https://hub.example.city".`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigError(
      `hubUrl "${raw}" must start with https:// (http:// is allowed only for localhost), because camera and microphone need a secure connection.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigError(`hubUrl "${raw}" must not contain a user name or password.`);
  }
  if (url.search || url.hash) {
    throw new ConfigError(`hubUrl "${raw}" must not contain "?" or "#" parts.`);
  }
  return url;
}

export function configPathFromEnv(env: NodeJS.ProcessEnv): string {
  return env[CONFIG_PATH_ENV] || DEFAULT_CONFIG_PATH;
}

export function parseConfig(json: unknown, source: string): TerminalConfig {
  if (!Value.Check(ConfigFile, json)) {
    const first = Value.Errors(ConfigFile, json).First();
    const where = first?.path ? ` at ${first.path}` : '';
    throw new ConfigError(`Config ${source} is invalid${where}: ${first?.message ?? 'unexpected shape'}.`);
  }
  const file: ConfigFile = json;
  let url: URL;
  try {
    url = parseHubUrl(file.hubUrl);
  } catch (error) {
    throw new ConfigError(`Config ${source}: ${(error as Error).message}`);
  }
  const hubUrl = url.href.replace(/\/+$/, '');
  return {
    hubUrl,
    hubOrigin: url.origin,
    terminalUrl: `${hubUrl}/terminal/`,
    allowBasicTextSecrets: file.allowBasicTextSecrets ?? false,
    enrollmentCodeFile: file.enrollmentCodeFile ?? DEFAULT_ENROLLMENT_CODE_FILE,
  };
}

export function loadConfig(path: string, readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8')) {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(
        `Config file ${path} does not exist. Run terminal-image/provision.sh --hub-url https://… or set ${CONFIG_PATH_ENV}.`,
      );
    }
    throw new ConfigError(`Config file ${path} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(json, path);
}
