/**
 * Always mounted while the terminal is enrolled: keeps the inbox in step with the hub, reports
 * `delivered`, chimes for news, and puts an unacknowledged emergency over everything.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { isUiLanguage, LOCALE_TAGS, playTone, speak } from '@tsunagu/ui';
import { type ReactElement, useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { EmergencyScreen } from './EmergencyScreen';
import { setEmergencyActive } from './emergency';
import { type InboxChange, inbox } from './inbox';
import { outbox } from './receipts';
import { setUnreadAnnouncements } from './unread';
import { setClipSource } from './voice';

export function AnnouncementsLayer({
  hubBase,
  credential,
}: {
  hubBase: string | null;
  credential: string | null;
}): ReactElement | null {
  const { t, i18n } = useTranslation();
  const connection = useConnection();
  const list = useSyncExternalStore(inbox.subscribe, inbox.getSnapshot);
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';

  useEffect(() => {
    setClipSource(hubBase && credential ? { hubBase, credential } : null);
  }, [hubBase, credential]);

  useEffect(() => {
    if (!connection) return;
    const socket = connection.socket;
    const deliver = (a: TerminalAnnouncement) => {
      if (!inbox.needsDelivered(a.id)) return;
      void outbox.send(socket, { announcementId: a.id, stage: 'delivered' }).then((stored) => {
        if (stored) inbox.markDelivered(a.id);
      });
    };
    const handle = (changes: InboxChange[]) => {
      let news = false;
      for (const c of changes) {
        if (c.type === 'removed') continue;
        deliver(c.announcement);
        if (c.announcement.kind !== 'emergency' && !c.announcement.acknowledged) news = true;
      }
      // An emergency sounds its own alarm; news waits its turn.
      if (news && !inbox.pendingEmergency()) {
        playTone('chime');
        setTimeout(() => void speak(t('announcements.newArrived'), LOCALE_TAGS[language]).catch(() => undefined), 900);
      }
    };
    const onSync = (p: { announcements: TerminalAnnouncement[] }) => handle(inbox.applySync(p.announcements));
    const onOne = (a: TerminalAnnouncement) => {
      const change = inbox.apply(a);
      if (change) handle([change]);
    };
    const onWithdrawn = (p: { id: number }) => void inbox.remove(p.id);
    const onConnect = () => void outbox.flush(socket);
    socket.on('announcement:sync', onSync);
    socket.on('announcement:published', onOne);
    socket.on('announcement:updated', onOne);
    socket.on('announcement:withdrawn', onWithdrawn);
    socket.on('connect', onConnect);
    // Connected before this listened: ask for the list rather than wait for the next reconnect.
    if (socket.connected) {
      socket.emit('announcement:list', {}, (r) => {
        if (r.ok) onSync(r.data);
      });
      onConnect();
    }
    return () => {
      socket.off('announcement:sync', onSync);
      socket.off('announcement:published', onOne);
      socket.off('announcement:updated', onOne);
      socket.off('announcement:withdrawn', onWithdrawn);
      socket.off('connect', onConnect);
    };
  }, [connection, t, language]);

  const emergency = list.length ? inbox.pendingEmergency() : null;
  // The list changing is what changes the count.
  const unread = list.length >= 0 ? inbox.unreadCount() : 0;
  useEffect(() => {
    setUnreadAnnouncements(unread);
  }, [unread]);
  useEffect(() => {
    setEmergencyActive(emergency !== null);
  }, [emergency]);
  useEffect(() => () => setEmergencyActive(false), []);

  if (!emergency) return null;
  return <EmergencyScreen key={`${emergency.id}:${emergency.version}`} announcement={emergency} language={language} />;
}
