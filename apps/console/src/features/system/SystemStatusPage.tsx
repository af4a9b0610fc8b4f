/** City hall's IT: the hub's readiness checks in plain words, live (the same checks as /readyz). */
import type { HealthCheckReport } from '@tsunagu/protocol';
import { formatDateTime } from '../../i18n/i18n';
import { ErrorMessage } from '../../shell/ui';
import { useSystemMessages } from './messages';
import { checkName, formatBytes, reasonText, useSystemStatus } from './status';

const TAG = { ok: 'tag', warn: 'tag tag-warn', fail: 'tag tag-fail' } as const;

export function SystemStatusPage() {
  const { t, language } = useSystemMessages();
  const { status, error } = useSystemStatus();

  const detail = (c: HealthCheckReport) => {
    const v = c.values;
    const space =
      c.name === 'disk' && v?.freeBytes !== undefined && v.sizeBytes !== undefined
        ? t('system.freeSpace', { free: formatBytes(t, v.freeBytes), size: formatBytes(t, v.sizeBytes) })
        : null;
    return (
      <>
        {reasonText(t, c)}
        {space && (
          <>
            <br />
            {space}
          </>
        )}
      </>
    );
  };

  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">{t('system.title')}</h1>
      <p>{t('system.intro')}</p>
      <ErrorMessage error={error} />
      {status && (
        <>
          <p
            className={`message ${status.status === 'ok' ? 'message-ok' : status.status === 'degraded' ? 'message-warn' : 'message-error'}`}
            role="status"
            data-testid="system-overall"
            data-status={status.status}
          >
            {t(`system.overall.${status.status}`)}
          </p>
          <div className="table-wrap">
            <table className="table" data-testid="system-checks">
              <caption className="visually-hidden">{t('system.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('system.colCheck')}</th>
                  <th scope="col">{t('system.colStatus')}</th>
                  <th scope="col">{t('system.colDetail')}</th>
                  <th scope="col">{t('system.colSince')}</th>
                </tr>
              </thead>
              <tbody>
                {status.checks.map((c) => (
                  <tr key={c.name} data-testid={`system-check-${c.name}`} data-status={c.status}>
                    <th scope="row">{checkName(t, c.name)}</th>
                    <td>
                      <span className={TAG[c.status]}>{t(`system.statuses.${c.status}`)}</span>
                    </td>
                    <td>{detail(c)}</td>
                    <td>{t('system.since', { time: formatDateTime(c.since, language) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
