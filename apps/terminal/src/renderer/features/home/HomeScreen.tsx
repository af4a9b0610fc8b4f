// The resident's home: the time, and at most six big buttons (see layout.ts for which).
import type { TerminalProfile } from '@tsunagu/protocol';
import { Badge, BigButton, ButtonGrid, type ButtonVariant, columnsFor, type IconName, Screen } from '@tsunagu/ui';
import { type ReactElement, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Route } from '../../shell/routes';
import { useCheckinReminder, useUnreadAnnouncements } from '../../state/TerminalState';
import { HomeHelpNotice } from '../announcements/HelpRequested';
import { Clock } from './Clock';
import { type HomeButton, homeButtons } from './layout';

/** How each kind of home button looks; its words are `home.<kind>` (a shop's button: the shop's name). */
const TILES: Record<HomeButton['kind'], { icon: IconName; variant?: ButtonVariant }> = {
  checkin: { icon: 'heart', variant: 'positive' },
  shop: { icon: 'shop' },
  shopping: { icon: 'cart' },
  listening: { icon: 'talk' },
  help: { icon: 'phone', variant: 'danger' },
  announcements: { icon: 'bell' },
};

/** Where a home button goes: a call to its shop or the listening line, the shop chooser, or its own screen. */
function routeOf(b: HomeButton): Route {
  if (b.kind === 'shop' || b.kind === 'listening') return { name: 'call', shopId: b.shop.id };
  return b.kind === 'shopping' ? { name: 'shops', page: 0 } : { name: b.kind };
}

export function HomeScreen({
  profile,
  navigate,
}: {
  profile: TerminalProfile;
  navigate: (r: Route) => void;
}): ReactElement {
  const { t } = useTranslation();
  const unread = useUnreadAnnouncements();
  const buttons = homeButtons(profile.shops);
  const reminder = useCheckinReminder();
  // For the bench's start figure (User Timing): home first drawn.
  useEffect(() => {
    if (!performance.getEntriesByName('terminal:home').length) performance.mark('terminal:home');
  }, []);
  return (
    <Screen title={t('home.greeting', { name: profile.householdName })} aside={<Clock />} testId="home-screen">
      {reminder ? (
        <p
          className="ts-panel ts-panel--notice tr-panel-line"
          role="status"
          data-testid="home-checkin-reminder"
          data-test={reminder.test === true}
        >
          {reminder.test ? <strong className="tr-test-tag">{t('checkin.testTag')}</strong> : null}{' '}
          {reminder.test ? t('checkin.testReminderHome') : t('checkin.reminderHome')}
        </p>
      ) : null}
      <HomeHelpNotice />
      <ButtonGrid columns={columnsFor(buttons.length)}>
        {buttons.map((b) => {
          const testId = b.kind === 'shop' ? `home-shop-${b.shop.id}` : `home-${b.kind}`;
          return (
            <BigButton
              key={testId}
              {...TILES[b.kind]}
              label={b.kind === 'shop' ? b.shop.name : t(`home.${b.kind}`)}
              onPress={() => navigate(routeOf(b))}
              badge={
                b.kind === 'announcements' ? <Badge count={unread} label={t('home.unread', { count: unread })} /> : null
              }
              testId={testId}
            />
          );
        })}
      </ButtonGrid>
    </Screen>
  );
}
