/** What the shell needs to know of a page: its route, its navigation label and who may open it. */
import type { ReactElement } from 'react';
import type { NavRole } from '../session';

export interface Feature {
  /** URL fragment: the page opens at `#/<id>`. */
  id: string;
  /** Catalogue key of the navigation label (src/i18n). */
  labelKey: string;
  roles: readonly NavRole[];
  element: ReactElement;
  /** Opened by a link only (an e-mail's acknowledgement link), not listed in the navigation. */
  hidden?: boolean;
}

/** The entries a person with these roles may open, in navigation order. */
export function featuresFor(roles: readonly NavRole[], all: readonly Feature[]): Feature[] {
  return all.filter((f) => f.roles.some((r) => roles.includes(r)));
}
