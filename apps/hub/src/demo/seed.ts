/** The demo city (modelled on Mitaka): districts, shops, households, staff and enrolled terminals. */
import fs from 'node:fs';
import path from 'node:path';
import type { OpeningHours } from '@tsunagu/protocol';
import type { Hub } from '../hub';

export const DEMO_PASSWORD = 'tsunagu-demo';

export const DEMO_DISTRICTS = [
  { code: 'osawa', name: '大沢', nameEn: 'Osawa' },
  { code: 'tobu', name: '東部', nameEn: 'Tobu' },
  { code: 'seibu', name: '西部', nameEn: 'Seibu' },
  { code: 'inokashira', name: '井の頭', nameEn: 'Inokashira' },
  { code: 'shinkawa-nakahara', name: '新川中原', nameEn: 'Shinkawa-Nakahara' },
  { code: 'renjaku', name: '連雀', nameEn: 'Renjaku' },
  { code: 'mitaka-eki-shuhen', name: '三鷹駅周辺', nameEn: 'Mitaka-eki-shuhen' },
];

const weekdays = (open: string, close: string, days = [1, 2, 3, 4, 5, 6]): OpeningHours =>
  days.map((day) => ({ day, open, close }));

const SHOPS = [
  {
    name: 'みどりマート',
    category: 'supermarket',
    kind: 'shop' as const,
    hours: weekdays('09:00', '19:00', [0, 1, 2, 3, 4, 5, 6]),
    items: [
      ['牛乳', 230, '1本 (1L)'],
      ['食パン', 180, '1斤'],
      ['卵', 260, '10個'],
      ['バナナ', 198, '1房'],
      ['豆腐', 98, '1丁'],
    ],
  },
  {
    name: 'ほっこり弁当',
    category: 'bento',
    kind: 'shop' as const,
    hours: weekdays('10:00', '15:00'),
    items: [
      ['日替わり弁当', 550, '1個'],
      ['やわらか煮魚弁当', 620, '1個'],
      ['おかゆセット', 480, '1個'],
    ],
  },
  {
    name: 'さくら薬局',
    category: 'pharmacy',
    kind: 'shop' as const,
    hours: weekdays('09:00', '18:00'),
    items: [
      ['湿布', 780, '1箱'],
      ['のど飴', 250, '1袋'],
      ['大人用おむつ', 1480, '1パック'],
    ],
  },
  {
    name: '井口米穀店',
    category: 'rice-water',
    kind: 'shop' as const,
    hours: weekdays('09:00', '17:00'),
    items: [
      ['お米 (5kg)', 2680, '1袋'],
      ['お水 (2L×6本)', 780, '1箱'],
    ],
  },
  {
    name: 'JA野菜スタンド',
    category: 'vegetables',
    kind: 'shop' as const,
    hours: weekdays('08:00', '12:00', [2, 4, 6]),
    items: [
      ['季節の野菜セット', 800, '1袋'],
      ['大根', 150, '1本'],
    ],
  },
  {
    name: '話し相手 (傾聴)',
    category: 'listening',
    kind: 'listening' as const,
    hours: weekdays('09:00', '20:00', [0, 1, 2, 3, 4, 5, 6]),
    items: [],
  },
];

const FAMILY_NAMES = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山田',
  '佐々木',
  '山口',
  '松本',
  '井上',
  '木村',
  '林',
  '斎藤',
  '清水',
  '山崎',
];
const GIVEN_NAMES = [
  'ハル',
  'キヨ',
  'トメ',
  '正男',
  '文子',
  '茂',
  '和子',
  '清',
  'ミツ',
  '勇',
  '幸子',
  '実',
  'フミ',
  '武',
  '千代',
  '昭',
  '節子',
  '博',
  'タケ',
  '進',
  '静江',
];

export interface DemoSeedResult {
  terminals: { householdId: number; householdName: string; credential: string }[];
  logins: { username: string; role: string; note: string }[];
}

/** Seeds the demo city into an empty database. Returns the demo terminals' credentials and logins. */
export async function seedDemoCity(hub: Hub): Promise<DemoSeedResult> {
  const { stores, services, ctx } = hub;
  const now = ctx.clock.now();
  const districtIds: number[] = [];
  for (const d of DEMO_DISTRICTS) districtIds.push(await stores.households.createDistrict(d));
  const shopIds: number[] = [];
  for (const s of SHOPS) {
    const id = await stores.shops.create(
      { name: s.name, category: s.category, kind: s.kind, openingHours: s.hours },
      now,
    );
    shopIds.push(id);
    for (const [name, priceYen, unit] of s.items as [string, number, string][])
      await stores.shops.addItem({ shopId: id, name, priceYen, unit, photoUrl: null });
  }

  const logins: DemoSeedResult['logins'] = [];
  const user = async (
    username: string,
    displayName: string,
    role: 'cityhall' | 'operator' | 'listener' | 'watcher',
    extra: { admin?: boolean; shopId?: number; watcherKind?: 'welfare' | 'carenetwork' | 'family' | 'supervisor' },
    note: string,
  ) => {
    const u = await services.accounts.createUser({ username, displayName, password: DEMO_PASSWORD, role, ...extra });
    logins.push({ username, role: extra.admin ? 'cityhall (admin)' : role, note });
    return u.id;
  };
  await user('admin', '市役所 管理者', 'cityhall', { admin: true }, 'city hall administrator');
  await user('cityhall', '防災課 三鷹 花子', 'cityhall', {}, 'city hall: announcements, live view');
  for (const [i, shopId] of shopIds.slice(0, 5).entries()) {
    await user(`shop${i + 1}`, `${SHOPS[i]!.name} 店員`, 'operator', { shopId }, `operator at ${SHOPS[i]!.name}`);
  }
  await user(
    'shop1b',
    `${SHOPS[0]!.name} 店員2`,
    'operator',
    { shopId: shopIds[0]! },
    `second operator at ${SHOPS[0]!.name}`,
  );
  await user('listener1', '傾聴ボランティア 森', 'listener', { shopId: shopIds[5]! }, 'listening volunteer');
  await user('listener2', '傾聴ボランティア 星野', 'listener', { shopId: shopIds[5]! }, 'listening volunteer');
  const welfare = await user('welfare1', '福祉課 青木', 'watcher', { watcherKind: 'welfare' }, 'welfare office (east)');
  const welfare2 = await user(
    'welfare2',
    '福祉課 石井',
    'watcher',
    { watcherKind: 'welfare' },
    'welfare office (west)',
  );
  const care = await user(
    'carenet1',
    'ケアネット 上田',
    'watcher',
    { watcherKind: 'carenetwork' },
    'community care network',
  );
  const family = await user(
    'family1',
    '佐藤 一郎 (長男)',
    'watcher',
    { watcherKind: 'family' },
    'family of household 1',
  );
  const supervisor = await user(
    'supervisor1',
    '福祉課 係長 大野',
    'watcher',
    { watcherKind: 'supervisor' },
    'welfare supervisor (2nd level)',
  );

  const terminals: DemoSeedResult['terminals'] = [];
  for (let i = 0; i < 21; i++) {
    const districtIndex = i % districtIds.length;
    const district = DEMO_DISTRICTS[districtIndex]!;
    const family1 = FAMILY_NAMES[i]!;
    const id = await stores.households.create(
      {
        name: `${family1} ${GIVEN_NAMES[i]!}`,
        address: `東京都三鷹市${district.name} ${1 + (i % 5)}-${3 + i}-${1 + ((i * 7) % 20)}`,
        districtId: districtIds[districtIndex]!,
        phone: `0422-${String(40 + i).padStart(2, '0')}-${String(1000 + i * 37).slice(0, 4)}`,
        language: i === 6 ? 'en' : 'ja',
        needsAssistance: i % 3 === 0,
        notes: i % 3 === 0 ? '災害時要援護者 (車いす)' : '',
        residents: [{ name: `${family1} ${GIVEN_NAMES[i]!}`, birthYear: 1932 + (i % 12) }],
      },
      now,
    );
    await stores.households.assignWatcher(id, districtIndex < 4 ? welfare : welfare2, 1);
    if (i % 2 === 0) await stores.households.assignWatcher(id, care, 1);
    await stores.households.assignWatcher(id, supervisor, 2);
    if (i === 0) await stores.households.assignWatcher(id, family, 1);
    if (i < 7) {
      const { code } = await services.terminals.issueCode(id, 'demo-seed');
      const enrolled = await services.terminals.enroll(code, `demo-${i + 1}`);
      terminals.push({
        householdId: id,
        householdName: `${family1} ${GIVEN_NAMES[i]!}`,
        credential: enrolled.credential,
      });
    }
  }
  await ctx.audit.record({
    actor: 'system',
    action: 'demo.seeded',
    ip: null,
    detail: { households: 21, terminals: terminals.length },
  });
  return { terminals, logins };
}

/** Demo only: the demo terminals' credentials are kept beside the database so each start can print their links. */
export function demoFile(dataDir: string): string {
  return path.join(dataDir, 'demo-terminals.json');
}

export function saveDemo(dataDir: string, result: DemoSeedResult): void {
  fs.writeFileSync(demoFile(dataDir), JSON.stringify(result, null, 2), { mode: 0o600 });
}

export function loadDemo(dataDir: string): DemoSeedResult | null {
  try {
    return JSON.parse(fs.readFileSync(demoFile(dataDir), 'utf8')) as DemoSeedResult;
  } catch {
    return null;
  }
}
