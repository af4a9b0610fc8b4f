/**
 * Which buttons the home screen shows. The rule is at most six primary buttons per screen.
 * Check-in, the listening line, help and announcements are always there; shops fill what is left.
 * When the household has more shops than free places, the shops collapse into one "shopping"
 * button that opens a chooser — one extra tap, but every button stays big and the home screen
 * looks the same every day, which matters more to a resident than saving a tap.
 */
import type { TerminalProfile } from '@tsunagu/protocol';

export const MAX_PRIMARY_BUTTONS = 6;

export type ProfileShop = TerminalProfile['shops'][number];

/** A button of the home screen: a shop's own or the listening line's (a call), or one of the fixed ones. */
export type HomeButton =
  | { kind: 'shop' | 'listening'; shop: ProfileShop }
  | { kind: 'checkin' | 'shopping' | 'help' | 'announcements' };

export function homeButtons(shops: readonly ProfileShop[]): HomeButton[] {
  const stores = shops.filter((s) => s.kind === 'shop');
  // One listening line is enough for a resident; if the city configures several, the hub routes among them.
  const listening = shops.find((s) => s.kind === 'listening');
  const fixed: HomeButton[] = [{ kind: 'checkin' }];
  const tail: HomeButton[] = [
    ...(listening ? [{ kind: 'listening' as const, shop: listening }] : []),
    // 助けて is always there, in the same place (issue 16); a confirmation screen guards it.
    { kind: 'help' },
    { kind: 'announcements' },
  ];
  const free = MAX_PRIMARY_BUTTONS - fixed.length - tail.length;
  const middle: HomeButton[] =
    stores.length <= free ? stores.map((shop) => ({ kind: 'shop' as const, shop })) : [{ kind: 'shopping' }];
  return [...fixed, ...middle, ...tail];
}

/**
 * Pages of the shop chooser. The back button counts as one of the six: up to five shops fit on one
 * page; beyond that each page holds four shops plus a "next" button that wraps around (no "previous":
 * one direction is easier to understand, and the list is short).
 */
export function shopPages(shops: readonly ProfileShop[]): ProfileShop[][] {
  const stores = shops.filter((s) => s.kind === 'shop');
  if (stores.length <= MAX_PRIMARY_BUTTONS - 1) return [stores];
  const perPage = MAX_PRIMARY_BUTTONS - 2;
  const pages: ProfileShop[][] = [];
  for (let i = 0; i < stores.length; i += perPage) pages.push(stores.slice(i, i + perPage));
  return pages;
}
