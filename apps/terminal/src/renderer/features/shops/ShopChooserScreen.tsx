// Chooser for households with more shops than fit on the home screen (see home/layout.ts).
import type { TerminalProfile } from '@tsunagu/protocol';
import { BigButton, ButtonGrid, columnsFor, Screen } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { BackButton } from '../../shell/BackButton';
import type { Route } from '../../shell/routes';
import { shopPages } from '../home/layout';

export function ShopChooserScreen(props: {
  profile: TerminalProfile;
  page: number;
  navigate: (r: Route) => void;
  onBack: () => void;
}): ReactElement {
  const { t } = useTranslation();
  const pages = shopPages(props.profile.shops);
  const index = Math.min(Math.max(0, props.page), pages.length - 1);
  const shops = pages[index] ?? [];
  const count = shops.length + (pages.length > 1 ? 1 : 0);
  return (
    <Screen title={t('shops.title')} back={<BackButton onBack={props.onBack} />} testId="shops-screen">
      {pages.length > 1 ? <p className="ts-text">{t('shops.page', { page: index + 1, total: pages.length })}</p> : null}
      <ButtonGrid columns={columnsFor(count)}>
        {shops.map((shop) => (
          <BigButton
            key={shop.id}
            icon="shop"
            label={shop.name}
            onPress={() => props.navigate({ name: 'call', shopId: shop.id })}
            testId={`shop-${shop.id}`}
          />
        ))}
        {pages.length > 1 ? (
          <BigButton
            icon="next"
            label={t('common.next')}
            variant="neutral"
            onPress={() => props.navigate({ name: 'shops', page: (index + 1) % pages.length })}
            testId="shops-next"
          />
        ) : null}
      </ButtonGrid>
    </Screen>
  );
}
