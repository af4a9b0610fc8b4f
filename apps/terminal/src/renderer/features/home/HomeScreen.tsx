// The resident's home: the time, and at most six big buttons (see layout.ts for which).
import type { TerminalProfile } from '@tsunagu/protocol';
import { Badge, BigButton, ButtonGrid, columnsFor, Screen } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { Route } from '../../shell/routes';
import { useCheckinReminder, useUnreadAnnouncements } from '../../state/TerminalState';
import { HomeHelpNotice } from '../announcements/HelpRequested';
import { Clock } from './Clock';
import { homeButtons } from './layout';

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
          switch (b.kind) {
            case 'checkin':
              return (
                <BigButton
                  key="checkin"
                  icon="heart"
                  label={t('home.checkin')}
                  variant="positive"
                  onPress={() => navigate({ name: 'checkin' })}
                  testId="home-checkin"
                />
              );
            case 'shop':
              return (
                <BigButton
                  key={`shop-${b.shop.id}`}
                  icon="shop"
                  label={b.shop.name}
                  onPress={() => navigate({ name: 'call', shopId: b.shop.id })}
                  testId={`home-shop-${b.shop.id}`}
                />
              );
            case 'shopping':
              return (
                <BigButton
                  key="shopping"
                  icon="cart"
                  label={t('home.shopping')}
                  onPress={() => navigate({ name: 'shops', page: 0 })}
                  testId="home-shopping"
                />
              );
            case 'listening':
              return (
                <BigButton
                  key="listening"
                  icon="talk"
                  label={t('home.listening')}
                  onPress={() => navigate({ name: 'call', shopId: b.shop.id })}
                  testId="home-listening"
                />
              );
            case 'help':
              return (
                <BigButton
                  key="help"
                  icon="phone"
                  label={t('home.help')}
                  variant="danger"
                  onPress={() => navigate({ name: 'help' })}
                  testId="home-help"
                />
              );
            case 'announcements':
              return (
                <BigButton
                  key="announcements"
                  icon="bell"
                  label={t('home.announcements')}
                  onPress={() => navigate({ name: 'announcements' })}
                  badge={<Badge count={unread} label={t('home.unread', { count: unread })} />}
                  testId="home-announcements"
                />
              );
            default:
              return null;
          }
        })}
      </ButtonGrid>
    </Screen>
  );
}
