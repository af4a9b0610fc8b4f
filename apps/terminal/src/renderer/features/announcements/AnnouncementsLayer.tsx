/**
 * Always mounted while the terminal is enrolled (online or not): keeps the inbox in step with the
 * hub, fetches each announcement's voice clip soon after its text and keeps it (with the text) in
 * the archive, reports `delivered`, chimes for news, and puts an unacknowledged emergency over
 * everything — full volume, screen kept on — until it is acknowledged.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { isUiLanguage } from '@tsunagu/ui';
import { type ReactElement, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../connection';
import { useSound } from '../../sound/SoundContext';
import { usePendingEmergency, useTerminalState } from '../../state/TerminalState';
import { EmergencyScreen } from './EmergencyScreen';
import { HelpRequestedScreen } from './HelpRequested';
import type { InboxChange } from './inbox';

export function AnnouncementsLayer(): ReactElement | null {
  const { t, i18n } = useTranslation();
  const connection = useConnection();
  const { inbox, receipts, clips, archive, device } = useTerminalState();
  const { announce } = useSound();
  const emergency = usePendingEmergency();
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';
  // Just answered 「助けが必要です」: say on screen what happens next, until the resident taps.
  const [helpTold, setHelpTold] = useState(false);

  useEffect(() => {
    if (!connection) return;
    const socket = connection.socket;
    const deliver = (a: TerminalAnnouncement) => {
      if (inbox.needsDelivered(a.id))
        void receipts.send(socket, { announcementId: a.id, stage: 'delivered' }).then((stored) => {
          if (stored) inbox.markDelivered(a.id);
        });
      // The voice follows the text, before it is needed (and is kept for when the hub is gone); an
      // emergency's reading asks for it at once if it is not here yet.
      void clips.prefetchSoon(a, language);
    };
    const handle = (changes: InboxChange[]) => {
      let news = false;
      for (const c of changes) {
        if (c.type === 'removed') continue;
        deliver(c.announcement);
        if (c.announcement.kind !== 'emergency' && !c.announcement.acknowledged) news = true;
      }
      // An emergency sounds its own alarm; news waits its turn on the sound channel.
      if (news) announce({ text: t('announcements.newArrived'), tone: 'chime' }, 'important');
    };
    const onSync = (p: { announcements: TerminalAnnouncement[] }) => {
      handle(inbox.applySync(p.announcements));
      // Also the ones already shown before a reload: their clips are kept for offline replay
      // (spread out: a whole city reconnects at once after an outage).
      for (const a of p.announcements) void clips.prefetchSoon(a, language);
    };
    const onOne = (a: TerminalAnnouncement) => {
      const change = inbox.apply(a);
      if (change) handle([change]);
    };
    const onWithdrawn = (p: { id: number }) => void inbox.remove(p.id);
    const onConnect = () => void receipts.flushTo(socket);
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
  }, [connection, inbox, receipts, clips, announce, t, language]);

  // What the terminal shows is kept, so a reload or power cut finds it again. Written once the kept
  // copy is open and read back into the inbox (so a still-empty inbox never overwrites it), and
  // as the inbox is at that moment, not as it was when the timer was set.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const keep = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => void archive.then((kept) => kept?.replace(inbox.getSnapshot())).catch(() => undefined),
        100,
      );
    };
    keep();
    const stop = inbox.subscribe(keep);
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [archive, inbox]);

  // An emergency is heard and seen whatever the resident set: full volume, screen on; both back after.
  const alerting = emergency !== null;
  useEffect(() => {
    if (!alerting) return;
    device.setAlertVolume(true);
    device.setKeepAwake('alert', true);
    return () => {
      device.setAlertVolume(false);
      device.setKeepAwake('alert', false);
    };
  }, [alerting, device]);

  if (!emergency) return helpTold ? <HelpRequestedScreen onDone={() => setHelpTold(false)} /> : null;
  return (
    <EmergencyScreen
      key={`${emergency.id}:${emergency.version}`}
      announcement={emergency}
      language={language}
      onAnswered={(answer) => setHelpTold(answer === 'need_help')}
    />
  );
}
