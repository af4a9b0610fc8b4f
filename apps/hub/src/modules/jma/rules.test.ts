import fs from 'node:fs';
import path from 'node:path';
import type { JmaArea } from '@tsunagu/protocol';
import { parseAreas } from './areas';
import { DEFAULT_POLICY, fillTemplate } from './policy';
import { assess } from './rules';
import { parseTelegram } from './telegram';

const sample = (file: string) => parseTelegram(fs.readFileSync(path.join(__dirname, 'testdata', file)));
const areas = (s: string): JmaArea[] => parseAreas(s).areas;

/** The demo city (Mitaka, inland) and two coastal cities. */
const MITAKA = areas('quake:351,city:1320400');
/** Ishinomaki (石巻市): 宮城県北部, the city, and the 宮城県 tsunami forecast area. */
const ISHINOMAKI = areas('quake:220,city:0420200,tsunami:220');
/** Koto ward (江東区) on Tokyo Bay: 東京都２３区, the ward, 東京湾内湾. */
const KOTO = areas('quake:350,city:1310800,tsunami:312');

const decide = (file: string, city: JmaArea[]) => {
  const a = assess(sample(file), city, DEFAULT_POLICY, 'Asia/Tokyo');
  return a.action === 'announce' ? `${a.action} ${a.kind} ${a.reason.code}` : `${a.action} ${a.reason.code}`;
};

describe('the rules, for every sample telegram', () => {
  // [file, Mitaka, Ishinomaki, Koto]
  const table: [string, string, string, string][] = [
    [
      '32-35_01_01_100806_VXSE51.xml', // 震度速報, Shizuoka 6弱; 多摩東部 3, 23区 4
      'ignore INTENSITY_BELOW',
      'ignore INTENSITY_NOT_REPORTED',
      'announce important INTENSITY_IMPORTANT',
    ],
    [
      '32-35_06_03_100915_VXSE53.xml', // 震源・震度, 岩手・宮城 6強; 三鷹市 2, 石巻市 5弱, 宮城県北部 6強
      'ignore INTENSITY_BELOW',
      'announce emergency INTENSITY_EMERGENCY',
      'ignore INTENSITY_BELOW',
    ],
    ['32-35_06_06_100915_VXSE53.xml', 'cancel CANCELLED', 'cancel CANCELLED', 'cancel CANCELLED'],
    [
      '32-39_11_01_120615_VXSE51.xml', // 2011-03-11 震度速報: 宮城県北部 6強, no Tokyo
      'ignore INTENSITY_NOT_REPORTED',
      'announce emergency INTENSITY_EMERGENCY',
      'ignore INTENSITY_NOT_REPORTED',
    ],
    [
      '32-39_11_02_120615_VTSE41.xml', // 2011-03-11 大津波警報 宮城県; 東京湾内湾 津波予報
      'ignore NO_TSUNAMI_AREAS',
      'announce emergency TSUNAMI_MAJOR',
      'ignore TSUNAMI_FORECAST',
    ],
    [
      '32-39_13_02_191025_VTSE41.xml', // drill: 東京湾内湾 津波注意報
      'ignore NO_TSUNAMI_AREAS',
      'ignore TSUNAMI_NOT_FOR_CITY',
      'announce important TSUNAMI_ADVISORY',
    ],
    [
      '20220918171502_07401528_VTSE41.xml', // 宮古島・八重山地方 津波注意報解除
      'ignore NO_TSUNAMI_AREAS',
      'ignore TSUNAMI_NOT_FOR_CITY',
      'ignore TSUNAMI_NOT_FOR_CITY',
    ],
    ['36_02_01_100915_VXSE41.xml', 'ignore EEW_FORECAST', 'ignore EEW_FORECAST', 'ignore EEW_FORECAST'],
    [
      '37_02_01_100915_VXSE40.xml', // EEW warning 東北 (宮城県北部 220 among them)
      'ignore EEW_NOT_FOR_CITY',
      'announce emergency EEW_COVERS_CITY',
      'ignore EEW_NOT_FOR_CITY',
    ],
    ['37_02_03_100915_VXSE40.xml', 'cancel CANCELLED', 'cancel CANCELLED', 'cancel CANCELLED'],
    [
      '20240116184225_02245216_VXSE43.xml', // EEW warning 石川県能登・加賀
      'ignore EEW_NOT_FOR_CITY',
      'ignore EEW_NOT_FOR_CITY',
      'ignore EEW_NOT_FOR_CITY',
    ],
    ['54_01_01_100514_VXSE42.xml', 'ignore EEW_TEST_MESSAGE', 'ignore EEW_TEST_MESSAGE', 'ignore EEW_TEST_MESSAGE'],
  ];

  it('covers every sample in testdata', () => {
    const files = fs.readdirSync(path.join(__dirname, 'testdata')).filter((f) => f.endsWith('.xml'));
    expect(table.map((r) => r[0]).sort()).toEqual(files.sort());
  });

  it.each(table)('%s', (file, mitaka, ishinomaki, koto) => {
    expect([decide(file, MITAKA), decide(file, ISHINOMAKI), decide(file, KOTO)]).toEqual([mitaka, ishinomaki, koto]);
  });
});

describe('the rules in detail', () => {
  it('reads the typed codes: 細分区域 350 is 東京都２３区, never the 津波予報区 350 (富山県)', () => {
    const toyamaCoast = areas('tsunami:350');
    const a = assess(sample('32-35_01_01_100806_VXSE51.xml'), toyamaCoast, DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a.reason.code).toBe('INTENSITY_NOT_REPORTED');
  });

  it('takes the highest intensity over all the city codes and names that place', () => {
    const a = assess(sample('32-35_06_03_100915_VXSE53.xml'), ISHINOMAKI, DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a.action).toBe('announce');
    if (a.action !== 'announce') return;
    expect(a.values.place).toBe('宮城県北部');
    expect(a.values.intensity).toBe('6強');
    expect(a.safetyCheck).toBe(true);
    const text = fillTemplate(DEFAULT_POLICY.templates[a.template], a.values);
    expect(text.titleJa).toBe('地震　宮城県北部で震度6強');
    expect(text.bodyJa).toContain('6月14日 8時43分ごろ');
    expect(text.bodyJa).toContain('震源は岩手県内陸南部です');
    expect(text.titleEn).toBe('Earthquake: intensity 6 upper in 宮城県北部');
  });

  it('matches a city by its own code: telegrams name that code type 気象・地震・火山情報／市町村等', () => {
    // Configured by the city code alone (no 細分区域): 石巻市 is listed at 5弱 in the 2008 VXSE53.
    const a = assess(sample('32-35_06_03_100915_VXSE53.xml'), areas('city:0420200'), DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a.action === 'announce' && [a.kind, a.values.place, a.values.intensity]).toEqual([
      'emergency',
      '石巻市',
      '5弱',
    ]);
    expect(sample('32-35_06_03_100915_VXSE53.xml').observed.find((o) => o.code === '0420200')?.codeType).toBe(
      '気象・地震・火山情報／市町村等',
    );
  });

  it('counts 震度５弱以上未入電 as 5弱 (an emergency, never silence)', () => {
    const xml = fs
      .readFileSync(path.join(__dirname, 'testdata', '32-35_06_03_100915_VXSE53.xml'), 'utf8')
      .replace(
        /<City><Name>三鷹市<\/Name><Code>1320400<\/Code><MaxInt>2<\/MaxInt>/,
        '<City><Name>三鷹市</Name><Code>1320400</Code><Condition>震度５弱以上未入電</Condition>',
      );
    const a = assess(parseTelegram(Buffer.from(xml)), MITAKA, DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a.action === 'announce' && a.kind).toBe('emergency');
    expect(a.reason.ja).toContain('未入電');
  });

  it('EEW for the city: emergency, EEW chime, no safety check, taken down after the policy minutes', () => {
    const a = assess(sample('37_02_01_100915_VXSE40.xml'), ISHINOMAKI, DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a).toMatchObject({ action: 'announce', kind: 'emergency', tone: 'eew', safetyCheck: false });
    expect(a.action === 'announce' && a.expiresInMs).toBe(10 * 60_000);
  });

  it('a tsunami advisory lifted for the city is a lift, naming the advisory', () => {
    const a = assess(sample('20220918171502_07401528_VTSE41.xml'), areas('tsunami:802'), DEFAULT_POLICY, 'Asia/Tokyo');
    expect(a.action).toBe('lift');
    expect(a.action === 'lift' && a.values.level).toBe('津波注意報');
    expect(a.reason.ja).toBe('宮古島・八重山地方の津波注意報が解除されました。');
  });

  it('follows an edited policy: intensity 4 ignored, tsunami advisories ignored', () => {
    const policy = { ...DEFAULT_POLICY, intensityImportantFrom: null, tsunamiAdvisory: 'ignore' as const };
    expect(assess(sample('32-35_01_01_100806_VXSE51.xml'), KOTO, policy, 'Asia/Tokyo').reason.code).toBe(
      'INTENSITY_BELOW',
    );
    expect(assess(sample('32-39_13_02_191025_VTSE41.xml'), KOTO, policy, 'Asia/Tokyo').reason.code).toBe(
      'POLICY_IGNORE',
    );
  });

  it('says nothing is announced without configured areas', () => {
    expect(assess(sample('37_02_01_100915_VXSE40.xml'), [], DEFAULT_POLICY, 'Asia/Tokyo').reason.code).toBe('NO_AREAS');
  });
});
