/** REST routes for the CSV import (dry run, then import) and export of households. */
import { CSV_CONTENT_TYPES, type HouseholdImport, MAX_IMPORT_BYTES } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { sendCsv } from '../../lib/csv';
import { AppError } from '../../lib/errors';
import { actorName, cityhall } from '../../lib/principal';
import { acceptRawBodies, tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import { planImport } from './import';
import type { HouseholdsStore } from './store';

/** The export's columns: the same names the import reads, so an exported file can be edited and imported again. */
const EXPORT_HEADER = [
  '世帯ID',
  '氏名',
  'ふりがな',
  '住所',
  '電話番号',
  '地区',
  '要援護者',
  '援護理由',
  '住民',
  '言語',
  '備考',
  '端末',
  '最終接続',
];

export function householdImportRoutes(ctx: HubContext, households: HouseholdsStore) {
  const fileOf = (request: FastifyRequest): Buffer => {
    if (!Buffer.isBuffer(request.body))
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the CSV file itself as text/csv.');
    return request.body;
  };
  const plan = async (request: FastifyRequest) =>
    planImport(fileOf(request), {
      districts: await households.listDistricts(),
      existing: await households.list(),
    });

  return async function plugin(app: FastifyInstance): Promise<void> {
    // The file is read as bytes: its encoding is found from its content (Excel does not say it).
    acceptRawBodies(app, CSV_CONTENT_TYPES, MAX_IMPORT_BYTES);
    const add = tableRoutes(app, ['households']);

    add(
      'POST /api/households/import/preview',
      { access: cityhall, bodyLimit: MAX_IMPORT_BYTES },
      async (request) => (await plan(request)).result,
    );

    add('POST /api/households/import', { access: cityhall, bodyLimit: MAX_IMPORT_BYTES }, async (request) => {
      const { result, toCreate } = await plan(request);
      const ids = await households.createMany(
        toCreate.map((c) => c.body),
        ctx.clock.now(),
      );
      toCreate.forEach((c, i) => {
        c.row.householdId = ids[i]!;
      });
      await audited(
        ctx.audit,
        request,
        'household.imported',
        ids.length > 0 ? `household:${ids[0]}..${ids[ids.length - 1]}` : null,
        result.counts,
      );
      return { ...result, dryRun: false } satisfies HouseholdImport;
    });

    add('GET /api/households/export.csv', { access: cityhall }, async (request, reply) => {
      const { districtId, includeClosed } = request.query;
      const districts = new Map((await households.listDistricts()).map((d) => [d.id, d.name]));
      const list = await households.list({ districtId, includeClosed });
      const rows = list.map((h) => [
        h.id,
        h.name,
        h.kana,
        h.address,
        h.phone,
        districts.get(h.districtId) ?? '',
        h.needsAssistance ? 'はい' : 'いいえ',
        h.assistanceReason,
        h.residents.map((r) => r.name).join('、'),
        h.language,
        h.notes,
        h.terminal ? (h.terminal.online ? '接続中' : '未接続') : 'なし',
        h.terminal?.lastSeenAt ?? '',
      ]);
      await audited(ctx.audit, request, 'household.exported', null, {
        rows: rows.length,
        districtId: districtId ?? null,
      });
      await ctx.reads.record(
        actorName(request.principal),
        'export',
        list.map((h) => h.id),
        request.ip,
      );
      return sendCsv(reply, 'households.csv', [EXPORT_HEADER, ...rows]);
    });
  };
}
