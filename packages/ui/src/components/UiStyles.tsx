import type { ReactElement } from 'react';
import { uiCss } from '../theme/styles';

/** Renders the components' stylesheet; put it once near the root of the app. */
export function UiStyles(): ReactElement {
  return <style>{uiCss}</style>;
}
