// Extension point: the calls feature replaces this placeholder with a call to a shop or the listening line.
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { PreparingScreen } from '../../shell/PreparingScreen';
import type { ProfileShop } from '../home/layout';

export function callTitleKey(shop: ProfileShop): { key: 'call.titleListening' | 'call.titleShop'; name: string } {
  return shop.kind === 'listening'
    ? { key: 'call.titleListening', name: shop.name }
    : { key: 'call.titleShop', name: shop.name };
}

export function CallScreen({ shop, onBack }: { shop: ProfileShop; onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  const title = callTitleKey(shop);
  return (
    <PreparingScreen
      title={t(title.key, { name: title.name })}
      icon={shop.kind === 'listening' ? 'talk' : 'phone'}
      onBack={onBack}
      testId="call-screen"
    />
  );
}
