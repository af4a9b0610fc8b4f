/** A household's terminal as city hall sees it: online or since when offline, or revoked, or none. */
import type { Household } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';

export /** An active terminal offline now, and for at least `hours` (never seen counts as long ago). */
function offlineFor(h: Household, hours: number): boolean {
  const term = h.terminal;
  if (!term || term.revoked || term.online) return false;
  return !term.lastSeenAt || Date.now() - Date.parse(term.lastSeenAt) >= hours * 3_600_000;
}

export function TerminalState({ household, language }: { household: Household; language: string }) {
  const { t } = useTranslation();
  const term = household.terminal;
  if (!term) return <span className="state state-none">{t('households.noTerminal')}</span>;
  if (term.revoked)
    return (
      <span className="state state-revoked" data-testid="terminal-state" data-state="revoked">
        {t('households.revoked')}
      </span>
    );
  return (
    <span className="terminal-state" data-testid="terminal-state" data-state={term.online ? 'online' : 'offline'}>
      <span className={`state ${term.online ? 'state-online' : 'state-offline'}`}>
        <span className="state-dot" aria-hidden="true" />
        {term.online ? t('households.online') : t('households.offline')}
      </span>
      <span className="cell-sub">
        {term.lastSeenAt
          ? t('households.lastSeen', { at: formatDateTime(term.lastSeenAt, language) })
          : t('households.neverSeen')}
      </span>
    </span>
  );
}
