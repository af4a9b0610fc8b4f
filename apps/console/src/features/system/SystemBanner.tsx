/** City hall: a banner over every page while the hub cannot store, or its disk runs low. */
import { useSession } from '../../session';
import { useSystemMessages } from './messages';
import { bannerOf, formatBytes, useSystemStatus } from './status';

export function SystemBanner() {
  const { user } = useSession();
  const cityhall = user.role === 'cityhall';
  const { t } = useSystemMessages();
  const { status } = useSystemStatus(cityhall);
  const banner = cityhall ? bannerOf(status) : null;
  if (!banner) return null;
  if (banner.kind === 'low') {
    return (
      <div className="message message-warn system-banner" role="status" data-testid="system-banner" data-kind="low">
        {t('system.banner.low', { free: formatBytes(t, banner.freeBytes ?? 0) })}{' '}
        <a href="#/system">{t('system.banner.details')}</a>
      </div>
    );
  }
  return (
    <div
      className="message message-error system-banner"
      role="alert"
      data-testid="system-banner"
      data-kind={banner.kind}
    >
      <strong>{t(`system.banner.${banner.kind}`)}</strong>
      <br />
      {t('system.banner.hint')} <a href="#/system">{t('system.banner.details')}</a>
    </div>
  );
}
