// A telephone-style numeric keypad (1–9 on top, 0 at the bottom) plus a delete key.
import type { ReactElement } from 'react';
import { BigButton } from './BigButton';

export const KEYPAD_ORDER = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export interface KeypadProps {
  onDigit: (digit: string) => void;
  onDelete: () => void;
  deleteLabel: string;
  disabled?: boolean;
  /** Accessible name of the keypad group. */
  label: string;
}

export function Keypad({ onDigit, onDelete, deleteLabel, disabled, label }: KeypadProps): ReactElement {
  return (
    <fieldset className="ts-keypad" aria-label={label} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      {KEYPAD_ORDER.map((d) => (
        <button
          key={d}
          type="button"
          className="ts-button ts-button--neutral"
          onClick={() => onDigit(d)}
          disabled={disabled}
          data-testid={`key-${d}`}
        >
          {d}
        </button>
      ))}
      <BigButton
        icon="erase"
        label={deleteLabel}
        onPress={onDelete}
        variant="neutral"
        disabled={disabled}
        testId="key-delete"
        className="ts-keypad__delete"
      />
      <button
        type="button"
        className="ts-button ts-button--neutral ts-keypad__wide"
        onClick={() => onDigit('0')}
        disabled={disabled}
        data-testid="key-0"
      >
        0
      </button>
    </fieldset>
  );
}

/** Applies one keypad press to a code of at most `maxLength` digits. */
export function applyKey(code: string, key: string, maxLength: number): string {
  if (key === 'delete') return code.slice(0, -1);
  if (!/^[0-9]$/.test(key) || code.length >= maxLength) return code;
  return code + key;
}

/** The entered digits as boxes, with the next box to fill highlighted. */
export function DigitDisplay({ value, length, label }: { value: string; length: number; label: string }): ReactElement {
  const cells = Array.from({ length }, (_, i) => value[i] ?? '');
  return (
    <div className="ts-digits" role="img" aria-label={label} data-testid="digit-display" data-value={value}>
      {cells.map((c, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: fixed-length positional cells
          key={i}
          className={`ts-digits__cell${i === value.length ? ' ts-digits__cell--current' : ''}`}
          aria-hidden="true"
        >
          {c}
        </span>
      ))}
    </div>
  );
}
