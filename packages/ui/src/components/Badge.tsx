import type { ReactElement } from 'react';

/** A count in a high-contrast circle. Hidden when zero; `label` is what a screen reader hears. */
export function Badge({ count, label }: { count: number; label: string }): ReactElement | null {
  if (count <= 0) return null;
  return (
    <span className="ts-badge" role="img" aria-label={label}>
      {count > 99 ? '99+' : count}
    </span>
  );
}
