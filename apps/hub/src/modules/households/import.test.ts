// The CSV import as a clerk uses it: the welfare section's list in Shift_JIS or UTF-8 with a BOM,
// a dry run that lists every row's problem and stores nothing, then the import of the good rows in
// one transaction, and an export that opens in Excel without running anything.
import iconv from 'iconv-lite';
import { as, type StaffSession, sessionFor, type TestHub, withHub } from '../../testing/harness';
import { decodeCsv } from './csv-read';

const LIST = [
  '氏名,ふりがな,住所,電話番号,地区,要援護者,生年月日',
  '山田 太郎,やまだ たろう,大沢１－２－３,０４２２－１１－２２３３,大沢,○,1938/4/1',
  '佐藤 花子,さとう はなこ,東部2-3-4,0422-22-3344,東部地区,いいえ,1941/2/3',
  '鈴木 一郎,すずき いちろう,西部5-6-7,,西部,はい,',
  ',名前なし,大沢9-9-9,0422-00-0000,大沢,はい,',
  '高橋 次郎,たかはし じろう,北部1-1-1,abc,北部,たぶん,',
  '山田 太郎,やまだ たろう,大沢1-2-3,0422-11-2233,大沢,○,',
  '世帯1,,東京都三鷹市 1-1-1,,大沢,,',
  ',,,,,,',
].join('\r\n');

describe('household CSV import and export', () => {
  let hub: TestHub;
  let clerk: StaffSession;
  withHub('each', (made) => {
    hub = made;
    clerk = sessionFor(hub, hub.fixture.users.cityhall);
  });

  const send = (url: string, body: Buffer, who: StaffSession | null = clerk, type = 'text/csv') =>
    as(hub, who)({ method: 'POST', url, payload: body, headers: { 'content-type': type } });
  const count = async () => (await hub.ctx.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM households'))!.n;

  it('reads Shift_JIS, UTF-8 with a BOM and plain UTF-8 alike', () => {
    const text = '氏名,住所\r\n髙橋 ①,大沢\r\n';
    expect(decodeCsv(iconv.encode(text, 'cp932'))).toEqual({ text, encoding: 'shift_jis' });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
      text,
      encoding: 'utf-8',
    });
    expect(decodeCsv(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('a dry run lists every row with its problems and stores nothing', async () => {
    const before = await count();
    const res = await send('/api/households/import/preview', iconv.encode(LIST, 'cp932'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: true, encoding: 'shift_jis', ignoredColumns: ['生年月日'] });
    expect(body.columns.map((c: { field: string }) => c.field)).toEqual([
      'name',
      'kana',
      'address',
      'phone',
      'district',
      'needsAssistance',
    ]);
    const byLine = Object.fromEntries(
      body.rows.map((r: { line: number; action: string; problems: { code: string; field: string | null }[] }) => [
        r.line,
        [r.action, r.problems.map((p) => `${p.field}:${p.code}`)],
      ]),
    );
    expect(byLine).toEqual({
      2: ['create', []],
      3: ['create', []],
      4: ['create', []],
      5: ['error', ['name:missing']],
      6: ['error', ['district:unknown_district', 'phone:bad_phone', 'needsAssistance:bad_flag']],
      7: ['error', ['null:duplicate_in_file']],
      8: ['skip', ['null:already_registered']],
    });
    // Full-width digits and dashes as typed in Japanese offices come out plain; 東部地区 is 東部.
    expect(body.rows[0]).toMatchObject({
      name: '山田 太郎',
      address: '大沢1-2-3',
      phone: '0422-11-2233',
      districtId: hub.fixture.districts[0],
      needsAssistance: true,
    });
    expect(body.rows[1]).toMatchObject({ districtName: '東部', needsAssistance: false });
    expect(body.rows[5].problems[0]).toMatchObject({ other: 2 });
    expect(body.rows[6].problems[0]).toMatchObject({ other: hub.fixture.households[0] });
    expect(body.counts).toEqual({ create: 3, skip: 1, error: 3 });
    expect(await count()).toBe(before);
  });

  it('the import stores the good rows in one go, each a household with its resident, and skips the rest', async () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LIST)]);
    const res = await send('/api/households/import', file);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: false, encoding: 'utf-8', counts: { create: 3, skip: 1, error: 3 } });
    const created = body.rows.filter((r: { action: string }) => r.action === 'create');
    expect(created.every((r: { householdId: number | null }) => typeof r.householdId === 'number')).toBe(true);
    const h = (await hub.stores.households.get(created[0].householdId))!;
    expect(h).toMatchObject({
      name: '山田 太郎',
      kana: 'やまだ たろう',
      address: '大沢1-2-3',
      phone: '0422-11-2233',
      needsAssistance: true,
      residents: [{ name: '山田 太郎' }],
    });
    // The same file again: everything is already there.
    const again = (await send('/api/households/import', file)).json();
    expect(again.counts).toEqual({ create: 0, skip: 4, error: 3 });
    const audit = await hub.ctx.sql.all("SELECT detail FROM audit_log WHERE action = 'household.imported'");
    expect(audit).toHaveLength(2);
  });

  it('refuses files it cannot read with a clear reason, and people other than city hall', async () => {
    const noColumns = await send('/api/households/import/preview', Buffer.from('名前だけ\r\n山田\r\n'));
    expect(noColumns.statusCode).toBe(400);
    expect(noColumns.json().error).toMatchObject({ code: 'IMPORT_FILE_INVALID' });
    expect(noColumns.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      'header.name',
      'header.address',
      'header.district',
    ]);
    const empty = await send('/api/households/import/preview', Buffer.alloc(0));
    expect([400, 415]).toContain(empty.statusCode);
    expect(empty.statusCode).toBeLessThan(500);
    const binary = await send('/api/households/import/preview', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]));
    expect(binary.json().error.code).toBe('IMPORT_FILE_INVALID');
    const badQuotes = await send(
      '/api/households/import/preview',
      Buffer.from('氏名,住所,地区\r\n"山田,大沢,大沢\r\n'),
    );
    expect(badQuotes.json().error.code).toBe('IMPORT_FILE_INVALID');
    const tooMany = ['氏名,住所,地区', ...Array.from({ length: 5001 }, (_, i) => `人${i},大沢${i},大沢`)].join('\n');
    expect((await send('/api/households/import/preview', Buffer.from(tooMany))).json().error.code).toBe(
      'IMPORT_FILE_INVALID',
    );
    const json = await as(hub, clerk)({ method: 'POST', url: '/api/households/import', payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
    const watcher = sessionFor(hub, hub.fixture.users.watcher);
    expect((await send('/api/households/import', Buffer.from(LIST), watcher)).statusCode).toBe(403);
    expect((await send('/api/households/import', Buffer.from(LIST), null)).statusCode).toBe(401);
  });

  it('exports a CSV that Excel opens as UTF-8, whose cells cannot run as formulas, and that imports again', async () => {
    const id = await hub.stores.households.create(
      { name: '=HYPERLINK("http://evil")', address: '+81 大沢', districtId: hub.fixture.districts[0]!, notes: '@SUM' },
      hub.clock.now(),
    );
    const res = await as(hub, clerk)({ method: 'GET', url: '/api/households/export.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.slice(1).split('\r\n');
    expect(lines[0]).toBe('世帯ID,氏名,ふりがな,住所,電話番号,地区,要援護者,援護理由,住民,言語,備考,端末,最終接続');
    const evil = lines.find((l) => l.startsWith(`${id},`))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(evil).toContain(`'+81 大沢`);
    expect(evil).toContain(`'@SUM`);
    const back = (await send('/api/households/import/preview', res.rawPayload)).json();
    expect(back.counts).toMatchObject({ create: 0, error: 0 });
    expect(back.ignoredColumns).toEqual(['世帯ID', '住民', '言語', '端末', '最終接続']);
  });
});
