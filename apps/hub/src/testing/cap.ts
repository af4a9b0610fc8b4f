/** The CAP gateway under test: a hub on the samples' own time, posting as each sender's API key, and CAP messages to post. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../lib/clock';
import type { AnnouncementsService } from '../modules/announcements/service';
import { as, createTestHub, type TestHub } from './harness';
import { fixture, type Lifetime } from './lifetime';

const TESTDATA = path.resolve(__dirname, '../../src/modules/announcements/testdata');
export const capSample = (name: string): Buffer => fs.readFileSync(path.join(TESTDATA, name));

export interface Gateway {
  hub: TestHub;
  /** Posts as the API key of the message's own sender (one per sender, allowed to publish by itself). */
  post(body: string | Buffer, contentType?: string): ReturnType<ReturnType<typeof as>>;
  dispose(): Promise<void>;
}

export async function gateway(at = '2010-08-30T12:00:00Z'): Promise<Gateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-'));
  // The samples are real alerts from 2010-2011: replay them at the time they were issued.
  const hub = await createTestHub({ clock: new FakeClock(Date.parse(at)), config: { dataDir } });
  const svc = hub.capabilities.announcements as AnnouncementsService;
  const keys = new Map<string, string>();
  // Each alerting system has its own key, bound by city hall to its CAP sender (policy.test.ts
  // covers keys speaking for other senders and keys whose alerts are held).
  const keyFor = async (sender: string) => {
    let key = keys.get(sender);
    if (!key) {
      const created = await hub.services.accounts.createApiKey(`feed ${keys.size}`, 'cityhall', null);
      await svc.setSenderPolicy(created.id, { capSender: sender, publish: 'auto' }, 'test');
      key = created.key;
      keys.set(sender, key);
    }
    return key;
  };
  return {
    hub,
    post: async (body, contentType = 'application/cap+xml') => {
      const sender = /<(?:\w+:)?sender>([^<\s]+)</.exec(body.toString('latin1'))?.[1] ?? 'jma@example.jp';
      return as(hub, { bearer: await keyFor(sender) })({
        method: 'POST',
        url: '/api/cap',
        headers: { 'content-type': contentType },
        payload: body,
      });
    },
    async dispose() {
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A gateway for the enclosing `describe` (see `fixture`), on the time `at`. */
export function withGateway(lifetime: Lifetime, use: (made: Gateway) => unknown, at?: string): void {
  fixture(
    lifetime,
    () => gateway(at),
    (g) => g.dispose(),
    use,
  );
}

/** The `references` of a message that updates or cancels `cap({ identifier })` (its default sender and time). */
export const capReference = (identifier: string) => `jma@example.jp,${identifier},2026-01-05T09:00:00+09:00`;

export function cap(opts: {
  identifier?: string;
  sender?: string;
  status?: string;
  msgType?: string;
  references?: string;
  urgency?: string;
  severity?: string;
  certainty?: string;
  areaDesc?: string;
  geocode?: string;
  expires?: string;
  headline?: string;
  prefix?: string;
  ns?: string;
  encoding?: string;
  language?: string;
  event?: string;
  description?: string;
  /** Raw XML added inside <area> (polygons, circles). */
  areaXml?: string;
}): string {
  const p = opts.prefix ? `${opts.prefix}:` : '';
  const xmlns = opts.prefix ? `xmlns:${opts.prefix}` : 'xmlns';
  const el = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<${p}${name}>${value}</${p}${name}>`;
  return `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>
<${p}alert ${xmlns}="${opts.ns ?? 'urn:oasis:names:tc:emergency:cap:1.2'}">
${el('identifier', opts.identifier ?? 'JMA-0001')}
${el('sender', opts.sender ?? 'jma@example.jp')}
${el('sent', '2026-01-05T09:00:00+09:00')}
${el('status', opts.status ?? 'Actual')}
${el('msgType', opts.msgType ?? 'Alert')}
${el('scope', 'Public')}
${el('references', opts.references)}
<${p}info>
${el('language', opts.language ?? 'ja-JP')}
${el('category', 'Met')}
${el('event', opts.event ?? '大雨')}
${el('urgency', opts.urgency ?? 'Immediate')}
${el('severity', opts.severity ?? 'Extreme')}
${el('certainty', opts.certainty ?? 'Observed')}
${el('expires', opts.expires)}
${el('headline', opts.headline ?? '大雨特別警報')}
${el('description', opts.description ?? '命を守る行動をとってください。')}
<${p}area>${el('areaDesc', opts.areaDesc ?? '東京都三鷹市')}${opts.areaXml ?? ''}${opts.geocode ? `<${p}geocode><${p}valueName>JIS</${p}valueName><${p}value>${opts.geocode}</${p}value></${p}geocode>` : ''}</${p}area>
</${p}info>
</${p}alert>`;
}
