// Three simple faces for the mood step: the mouth carries the meaning, the colour follows the button.
import type { Mood } from '@tsunagu/protocol';
import { LineDrawing } from '@tsunagu/ui';
import type { ReactElement } from 'react';

const mouths: Record<Mood, string> = {
  good: 'M7.5 14.5c1.2 1.8 2.7 2.7 4.5 2.7s3.3-.9 4.5-2.7',
  so_so: 'M8 15.5h8',
  not_good: 'M7.5 17c1.2-1.8 2.7-2.7 4.5-2.7s3.3.9 4.5 2.7',
};

export function Face({ mood, className }: { mood: Mood; className?: string }): ReactElement {
  return (
    <LineDrawing className={className} strokeWidth={1.8}>
      <circle cx="12" cy="12" r="9.5" />
      <circle cx="9" cy="10" r="1.1" fill="currentColor" />
      <circle cx="15" cy="10" r="1.1" fill="currentColor" />
      <path d={mouths[mood]} />
    </LineDrawing>
  );
}
