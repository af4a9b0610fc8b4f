/**
 * The welfare section's list, imported from CSV: a dry run first that lists every row with what
 * would happen and each problem in words, then the import of the good rows (nothing is saved
 * before the clerk presses the button).
 */
import type { HouseholdImport, ImportProblem } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { DataTable } from '../../shell/DataTable';
import { FileField } from '../../shell/form';
import { Button, ErrorMessage, Modal, StatusMessage, useAction } from '../../shell/ui';
import { useHouseholdMessages } from './messages';

export function ImportDialog(props: { onImported(count: number): void; onClose(): void }) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<HouseholdImport | null>(null);
  const action = useAction();
  // Excel on some systems leaves the type empty; the hub reads the bytes (Shift_JIS or UTF-8) either way.
  const csv = (f: File) => new Blob([f], { type: 'text/csv' });

  const check = (f: File) =>
    action.run(async () => {
      setPreview(null);
      setPreview(await api.upload('POST /api/households/import/preview', {}, csv(f)));
    });
  const run = () =>
    action.run(async () => {
      if (!file) return;
      const result = await api.upload('POST /api/households/import', {}, csv(file));
      props.onImported(result.counts.create);
    });

  const problemText = (p: ImportProblem) =>
    t(`household.import.problems.${p.code}`, {
      field: p.field ? t(`household.import.fields.${p.field}`) : '',
      value: p.value ?? '',
      other: p.other ?? '',
    });
  const fieldNames = (fields: readonly string[]) => fields.join('、');

  return (
    <Modal
      title={t('household.import.title')}
      onClose={props.onClose}
      testId="import-dialog"
      actions={
        preview && preview.counts.create > 0 ? (
          <Button look="primary" onClick={() => void run()} disabled={action.busy} testId="import-run">
            {t('household.import.run', { count: preview.counts.create })}
          </Button>
        ) : null
      }
    >
      <p>{t('household.import.intro')}</p>
      <FileField
        label={t('household.import.file')}
        accept=".csv,text/csv"
        data-testid="import-file"
        onChoose={(chosen) => {
          setFile(chosen);
          if (chosen) void check(chosen);
        }}
      />
      {action.busy ? <p role="status">{t('household.import.checking')}</p> : null}
      <ErrorMessage error={action.error} />
      {preview ? (
        <div data-testid="import-preview">
          <StatusMessage testId="import-summary">{t('household.import.summary', preview.counts)}</StatusMessage>
          <p className="hint">
            {t('household.import.columns', {
              columns: fieldNames(preview.columns.map((c) => `${c.header}→${t(`household.import.fields.${c.field}`)}`)),
            })}
            {preview.ignoredColumns.length > 0 ? (
              <>
                <br />
                {t('household.import.ignored', { columns: fieldNames(preview.ignoredColumns) })}
              </>
            ) : null}
          </p>
          {preview.counts.create === 0 ? <p>{t('household.import.nothing')}</p> : null}
          <DataTable
            caption={t('household.import.title')}
            testId="import-rows"
            compact
            rows={preview.rows}
            rowKey={(r) => r.line}
            rowData={(r) => ({ 'data-testid': 'import-row', 'data-line': r.line, 'data-action': r.action })}
            columns={[
              { header: t('household.import.colLine'), className: 'nowrap', cell: (r) => r.line },
              { header: t('household.import.colName'), rowHeader: true, cell: (r) => r.name },
              { header: t('household.import.colAddress'), cell: (r) => r.address },
              { header: t('household.import.colDistrict'), cell: (r) => r.districtName },
              {
                header: t('household.import.colResult'),
                cell: (r) => (
                  <>
                    <span className={r.action === 'error' ? 'tag tag-warn' : 'tag'}>
                      {t(`household.import.actions.${r.action}`)}
                    </span>
                    {r.problems.map((p) => (
                      <span key={`${p.code}-${p.field}`} className="cell-sub" data-testid="import-problem">
                        {problemText(p)}
                      </span>
                    ))}
                  </>
                ),
              },
            ]}
          />
        </div>
      ) : null}
    </Modal>
  );
}
