// Layout shared by every terminal screen: a header (title, optional back button, optional aside
// such as the clock) and a main area that fills the rest of the screen without scrolling.
import type { ReactElement, ReactNode } from 'react';

export interface ScreenProps {
  title: string;
  /** A back button (usually a compact BigButton) shown before the title. */
  back?: ReactNode;
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
}

export function Screen({ title, back, aside, children, testId }: ScreenProps): ReactElement {
  return (
    <div className="ts-screen" data-testid={testId}>
      <header className="ts-screen__header">
        {back}
        <h1 className="ts-screen__title">{title}</h1>
        {aside ? <div className="ts-screen__aside">{aside}</div> : null}
      </header>
      <main className="ts-screen__main">{children}</main>
    </div>
  );
}

/** Up to six big buttons in a grid that fills the available space. */
export function ButtonGrid({ children, columns }: { children: ReactNode; columns: 1 | 2 | 3 }): ReactElement {
  return <div className={`ts-grid ts-grid--${columns}`}>{children}</div>;
}

/** Picks grid columns for `count` buttons on a landscape screen: 1–3 in a row, 4 as 2×2, 5–6 as 3×2. */
export function columnsFor(count: number): 1 | 2 | 3 {
  if (count <= 1) return 1;
  if (count === 2 || count === 4) return 2;
  return 3;
}
