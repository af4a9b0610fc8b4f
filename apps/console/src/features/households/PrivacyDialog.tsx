/**
 * An administrator's view of one household's personal data: who looked at it, the export for the
 * resident (本人開示, JSON and CSV) and, for a closed household, erasure (利用停止・削除) after a
 * confirmation that says what goes and what stays. Only administrators open it (the hub refuses
 * everyone else anyway).
 */
import type { DataRead, Household, HouseholdErasure } from '@tsunagu/protocol';
import { useState } from 'react';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable } from '../../shell/DataTable';
import { Button, ErrorMessage, LoadState, Modal, useAction, useLoad } from '../../shell/ui';
import { privacyEn, privacyJa, usePrivacyMessages } from './privacy-messages';

export function PrivacyDialog(props: {
  household: Household;
  onErased(result: HouseholdErasure): void;
  onClose(): void;
}) {
  const { t, i18n } = usePrivacyMessages();
  const { api } = useSession();
  const { household } = props;
  const [erasing, setErasing] = useState(false);
  const json = useAction();
  const state = useLoad(async () => {
    const [reads, users] = await Promise.all([
      api.call('GET /api/households/:id/reads', { params: { id: household.id }, query: { limit: 200 } }),
      api.call('GET /api/users'),
    ]);
    return { reads: reads.reads, names: new Map(users.users.map((u) => [u.id, u.displayName])) };
  }, [household.id]);

  /** `user:<id>:<username>` → the person's name; `apikey:<id>:<name>` → the connected system. */
  const who = (actor: string) => {
    const [kind, id, ...rest] = actor.split(':');
    const name = rest.join(':');
    if (kind === 'apikey') return t('privacy.apiKey', { name });
    return state.data?.names.get(Number(id)) ?? name;
  };

  const downloadJson = () =>
    json.run(async () => {
      const data = await api.call('GET /api/households/:id/export', { params: { id: household.id } });
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `household-${household.id}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      state.reload();
    });

  return (
    <Modal
      title={t('privacy.title', { name: household.name || t('privacy.erasedName', { id: household.id }) })}
      onClose={props.onClose}
      testId="privacy-dialog"
    >
      <section className="privacy-section" data-testid="privacy-reads">
        <h3>{t('privacy.readsHeading')}</h3>
        <p>{t('privacy.readsIntro')}</p>
        <LoadState state={state}>
          <DataTable<DataRead>
            caption={t('privacy.readsHeading')}
            testId="privacy-reads-table"
            compact
            empty={t('privacy.readsEmpty')}
            rows={state.data?.reads ?? []}
            rowKey={(r) => `${r.at}-${r.actor}-${r.what}`}
            rowData={() => ({ 'data-testid': 'privacy-read' })}
            columns={[
              { header: t('privacy.colWhen'), className: 'nowrap', cell: (r) => formatDateTime(r.at, i18n.language) },
              { header: t('privacy.colWho'), rowHeader: true, cell: (r) => who(r.actor) },
              { header: t('privacy.colWhat'), cell: (r) => t(`privacy.what.${r.what}`) },
              { header: t('privacy.colFrom'), cell: (r) => r.ip ?? t('privacy.unknownPlace') },
            ]}
          />
        </LoadState>
      </section>
      <section className="privacy-section">
        <h3>{t('privacy.exportHeading')}</h3>
        <p>{t('privacy.exportIntro')}</p>
        <div className="privacy-downloads">
          <Button onClick={() => void downloadJson()} disabled={json.busy} testId="privacy-export-json">
            {t('privacy.exportJson')}
          </Button>
          <a
            className="button"
            href={api.link('GET /api/households/:id/export.csv', { params: { id: household.id } })}
            download={`household-${household.id}.csv`}
            data-testid="privacy-export-csv"
          >
            {t('privacy.exportCsv')}
          </a>
        </div>
        <ErrorMessage error={json.error} />
      </section>
      <section className="privacy-section" data-testid="privacy-erase">
        <h3>{t('privacy.eraseHeading')}</h3>
        {household.closedAt ? (
          <>
            <p>{t('privacy.eraseIntro')}</p>
            <Button look="danger" onClick={() => setErasing(true)} testId="privacy-erase-open">
              {t('privacy.eraseOpen')}
            </Button>
          </>
        ) : (
          <p data-testid="privacy-erase-open-only">{t('privacy.eraseOpenOnly')}</p>
        )}
      </section>
      {erasing ? (
        <EraseDialog household={household} onErased={props.onErased} onCancel={() => setErasing(false)} />
      ) : null}
    </Modal>
  );
}

/** Says plainly what is removed and what is kept; the hub's refusal (e.g. still open) is shown in it. */
function EraseDialog(props: { household: Household; onErased(result: HouseholdErasure): void; onCancel(): void }) {
  const { t, i18n } = usePrivacyMessages();
  const { api } = useSession();
  const { busy, error, run } = useAction();
  const words = i18n.language === 'en' ? privacyEn : privacyJa;
  const erase = () =>
    run(async () =>
      props.onErased(await api.call('POST /api/households/:id/erase', { params: { id: props.household.id } })),
    );
  return (
    <Modal
      title={t('privacy.eraseTitle')}
      onClose={props.onCancel}
      testId="privacy-erase-dialog"
      closeLabel={t('common.cancel')}
      actions={
        <Button look="danger" onClick={() => void erase()} disabled={busy} testId="privacy-erase-confirm">
          {t('privacy.eraseConfirm')}
        </Button>
      }
    >
      <p>
        <strong>{props.household.name}</strong>
      </p>
      <h3>{t('privacy.eraseRemoved')}</h3>
      <ul data-testid="privacy-erase-removed">
        {words.eraseRemovedList.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <h3>{t('privacy.eraseKept')}</h3>
      <ul data-testid="privacy-erase-kept">
        {words.eraseKeptList.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>
        <strong>{t('privacy.eraseUndo')}</strong>
      </p>
      <ErrorMessage error={error} testId="privacy-erase-error" />
    </Modal>
  );
}
