// A screen's message to the resident: a large icon beside its words, the first line large.

import { Icon, type IconName } from '@tsunagu/ui';
import type { ReactElement, ReactNode } from 'react';

export function Message({
  icon,
  text,
  role,
  testId,
  children,
}: {
  icon: IconName;
  text: ReactNode;
  /** `status` for news the screen reader says when it can, `alert` for what it must say at once. */
  role?: 'status' | 'alert';
  testId?: string;
  /** Lines under the first. */
  children?: ReactNode;
}): ReactElement {
  return (
    <div className="tr-message" role={role} data-testid={testId}>
      <Icon name={icon} className="tr-message__icon" />
      <div>
        <p className="ts-text ts-text--large">{text}</p>
        {children}
      </div>
    </div>
  );
}
