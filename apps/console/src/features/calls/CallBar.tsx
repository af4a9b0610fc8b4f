/**
 * A call goes on while the operator works on another page (the order list, say): a bar over every
 * page says with whom, what the resident's side is doing (its terminal dropped, an emergency holds
 * it) and leads back to the call. On the calls page the call itself shows all this.
 */
import type { ResidentState } from '@tsunagu/protocol';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffConnection } from '../../api/socket';
import { useSession } from '../../session';
import { consoleCalls } from './controller';

/** Why the resident's picture may be frozen or black, in words. */
export function ResidentNotice({ resident }: { resident: ResidentState | null }) {
  const { t } = useTranslation();
  if (!resident) return null;
  return (
    <>
      {!resident.online ? (
        <p className="message message-warn" role="status" data-testid="resident-offline">
          {t('calls.residentOffline')}
        </p>
      ) : null}
      {resident.held ? (
        <p className="message message-warn" role="status" data-testid="resident-held">
          {t('calls.residentHeld')}
        </p>
      ) : null}
    </>
  );
}

const onCallsPage = () => window.location.hash.startsWith('#/calls');

export function CallBar() {
  const { t } = useTranslation();
  const { user } = useSession();
  const connection = useStaffConnection();
  const view = useSyncExternalStore(consoleCalls.subscribe, consoleCalls.getSnapshot);
  const [hidden, setHidden] = useState(onCallsPage);
  const operator = (user.role === 'operator' || user.role === 'listener') && user.shopId !== null;

  // The call is followed from sign-in, whichever page opens first.
  useEffect(() => {
    if (connection && operator) consoleCalls.attach(connection.socket, user.id);
  }, [connection, operator, user.id]);
  useEffect(() => {
    const follow = () => setHidden(onCallsPage());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  if (hidden || !view.call) return null;
  return (
    <section
      className="message call-bar"
      aria-label={t('calls.inCall', { household: view.call.householdName })}
      data-testid="call-bar"
    >
      <p>
        {view.elsewhere
          ? t('calls.elsewhere', { household: view.call.householdName })
          : t('calls.inCall', { household: view.call.householdName })}{' '}
        <a href="#/calls">{t('calls.backToCall')}</a>
      </p>
      <ResidentNotice resident={view.resident} />
    </section>
  );
}
