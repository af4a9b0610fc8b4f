/** The frame of a console page: its heading (h1, which the shell focuses on arrival), actions beside it, an intro. */
import type { ReactNode } from 'react';

export interface PageAction {
  label: string;
  onClick(): void;
  testId?: string;
  /** The page's main action (only one a page). */
  primary?: boolean;
}

export function Page(props: {
  /** Names the heading (`<id>-title`). */
  id: string;
  title: ReactNode;
  testId?: string;
  actions?: PageAction[];
  intro?: ReactNode;
  /** Styles of this page only. */
  css?: string;
  children: ReactNode;
}) {
  const titleId = `${props.id}-title`;
  return (
    <section aria-labelledby={titleId} data-testid={props.testId}>
      {props.css ? <style>{props.css}</style> : null}
      <div className="page-head">
        <h1 id={titleId}>{props.title}</h1>
        {props.actions?.map((a) => (
          <button
            key={a.label}
            type="button"
            className={a.primary ? 'button button-primary' : 'button'}
            onClick={a.onClick}
            data-testid={a.testId}
          >
            {a.label}
          </button>
        ))}
      </div>
      {props.intro ? <p>{props.intro}</p> : null}
      {props.children}
    </section>
  );
}
