// The terminal's one kind of control: a big button with an icon above a text label.
import type { ReactElement, ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export type ButtonVariant = 'primary' | 'positive' | 'neutral' | 'danger';

export interface BigButtonProps {
  icon: IconName;
  label: string;
  onPress: () => void;
  variant?: ButtonVariant;
  /** Icon beside the label instead of above it, for header buttons such as "back". */
  compact?: boolean;
  /** Shown in the top-right corner, e.g. an unread count. */
  badge?: ReactNode;
  /** Extra words for screen readers when the visible label is not the whole story. */
  description?: string;
  disabled?: boolean;
  className?: string;
  testId?: string;
}

export function BigButton(props: BigButtonProps): ReactElement {
  const { icon, label, onPress, variant = 'primary', compact, badge, description, disabled, className, testId } = props;
  const classes = ['ts-button', `ts-button--${variant}`, compact ? 'ts-button--compact' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={classes}
      onClick={onPress}
      disabled={disabled}
      aria-description={description}
      data-testid={testId}
    >
      <Icon name={icon} className="ts-button__icon" />
      <span>{label}</span>
      {badge}
    </button>
  );
}
