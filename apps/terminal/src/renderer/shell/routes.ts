/** Where the resident is. Kept while offline so the terminal returns there when the hub is back. */
export type Route =
  | { name: 'home' }
  | { name: 'shops'; page: number }
  | { name: 'checkin' }
  | { name: 'call'; shopId: number }
  | { name: 'announcements' }
  | { name: 'help' };

export const HOME: Route = { name: 'home' };

/** A stable key per screen: a new key means a state change the resident must hear. */
export function routeKey(route: Route): string {
  switch (route.name) {
    case 'shops':
      return `shops:${route.page}`;
    case 'call':
      return `call:${route.shopId}`;
    default:
      return route.name;
  }
}
