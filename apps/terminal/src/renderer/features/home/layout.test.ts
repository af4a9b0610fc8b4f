import { homeButtons, MAX_PRIMARY_BUTTONS, type ProfileShop, shopPages } from './layout';

const shop = (id: number): ProfileShop => ({ id, name: `shop ${id}`, category: 'grocery', kind: 'shop' });
const listening: ProfileShop = { id: 99, name: 'listening', category: 'listening', kind: 'listening' };

describe('homeButtons', () => {
  it('shows each shop when they fit', () => {
    expect(homeButtons([shop(1), shop(2), listening]).map((b) => b.kind)).toEqual([
      'checkin',
      'shop',
      'shop',
      'listening',
      'help',
      'announcements',
    ]);
  });

  it('collapses shops into one shopping button when they do not fit', () => {
    expect(homeButtons([shop(1), shop(2), shop(3), listening]).map((b) => b.kind)).toEqual([
      'checkin',
      'shopping',
      'listening',
      'help',
      'announcements',
    ]);
  });

  it('gives shops the listening line place when there is none', () => {
    expect(homeButtons([shop(1), shop(2), shop(3)]).map((b) => b.kind)).toEqual([
      'checkin',
      'shop',
      'shop',
      'shop',
      'help',
      'announcements',
    ]);
  });

  it('never exceeds six buttons', () => {
    for (let n = 0; n < 20; n++) {
      const shops = Array.from({ length: n }, (_, i) => shop(i + 1));
      expect(homeButtons([...shops, listening]).length).toBeLessThanOrEqual(MAX_PRIMARY_BUTTONS);
      expect(homeButtons(shops).length).toBeLessThanOrEqual(MAX_PRIMARY_BUTTONS);
    }
  });
});

describe('shopPages', () => {
  it('one page of up to five shops', () => {
    expect(shopPages([1, 2, 3, 4, 5].map(shop)).map((p) => p.length)).toEqual([5]);
  });
  it('pages of four (plus back and next) beyond that, ignoring the listening line', () => {
    expect(shopPages([...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(shop), listening]).map((p) => p.length)).toEqual([4, 4, 1]);
  });
});
