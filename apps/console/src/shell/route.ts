/** The page shown is the URL fragment (`#/households`), so reload and the back button work. */
import { useEffect, useState } from 'react';

export function routeFromHash(hash: string): string {
  return hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
}

/** What follows the page in the fragment: `#/announcements/12` → "12" (links that open one item). */
export function routeArgument(hash: string): string | null {
  return hash.replace(/^#\/?/, '').split(/[?]/)[0]?.split('/')[1] || null;
}

export function useHashRoute(): string {
  const [route, setRoute] = useState(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
