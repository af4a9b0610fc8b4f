// The call screen's title (and spoken sentence): kept apart so the shell can say it without loading the screen.
import type { ProfileShop } from '../home/layout';

export function callTitleKey(shop: ProfileShop): { key: 'call.titleListening' | 'call.titleShop'; name: string } {
  return shop.kind === 'listening'
    ? { key: 'call.titleListening', name: shop.name }
    : { key: 'call.titleShop', name: shop.name };
}
