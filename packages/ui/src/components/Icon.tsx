// Simple line icons drawn for the terminal: thick strokes that survive poor eyesight. Decorative only
// (every button also has a text label), so they are hidden from assistive technology.
import type { ReactElement, ReactNode } from 'react';

/** One stroke of an icon: a path's `d`, or a circle. */
type Stroke = string | { cx: number; cy: number; r: number };

const paths = {
  heart: [
    'M12 21s-7.5-4.6-9.5-9.2C1 8.3 3.2 4.5 7 4.5c2.1 0 3.7 1.2 5 3 1.3-1.8 2.9-3 5-3 3.8 0 6 3.8 4.5 7.3C19.5 16.4 12 21 12 21z',
  ],
  shop: [
    'M3 9l1.5-5h15L21 9',
    'M3 9h18v2a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0z',
    'M5 13v8h14v-8',
    'M10 21v-5h4v5',
  ],
  cart: ['M2 3h3l2.5 12h11L21 7H6.2', { cx: 9, cy: 19.5, r: 1.6 }, { cx: 17, cy: 19.5, r: 1.6 }],
  talk: ['M4 4h16v11H9l-5 4z', 'M8 8.5h8M8 11.5h5'],
  check: ['M4 12.5l5 5L20 6.5'],
  replay: ['M4 12a8 8 0 1 0 2.5-5.8', 'M4 3v5h5'],
  phone: ['M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z'],
  bell: ['M6 10a6 6 0 0 1 12 0c0 5 2 6.5 2 6.5H4S6 15 6 10z', 'M10 20a2 2 0 0 0 4 0'],
  back: ['M10 5l-7 7 7 7', 'M3 12h18'],
  next: ['M14 5l7 7-7 7', 'M21 12H3'],
  erase: ['M9 5h11v14H9l-6-7z', 'M12 9l5 6M17 9l-5 6'],
  connect: [{ cx: 12, cy: 12, r: 9 }, 'M7.5 12.5l3 3 6-7'],
  offline: [
    'M2 8.5a15 15 0 0 1 20 0M5.5 12a10 10 0 0 1 13 0M9 15.5a5 5 0 0 1 6 0',
    { cx: 12, cy: 19, r: 1 },
    'M3 3l18 18',
  ],
  hourglass: ['M6 3h12M6 21h12', 'M7 3c0 5 10 5 10 9s-10 4-10 9M17 3c0 5-10 5-10 9s10 4 10 9'],
  tools: ['M14.5 6.5a4 4 0 0 0 5 5L21 13l-8 8-3-3 8-8', 'M4 4l6 6M3 9l6-6'],
  // "More below" for text and lists shown a page at a time (→ already means the next announcement).
  down: ['M12 4v16M5 13l7 7 7-7'],
  // A loudspeaker with fewer or more sound waves: the in-call volume buttons (arrows read as "back"/"next").
  volumeDown: ['M3 9h4l5-4v14l-5-4H3z', 'M16 10a3 3 0 0 1 0 4'],
  volumeUp: ['M3 9h4l5-4v14l-5-4H3z', 'M16 10a3 3 0 0 1 0 4', 'M19 7a7 7 0 0 1 0 10'],
} satisfies Record<string, readonly Stroke[]>;

export type IconName = keyof typeof paths;
export const ICON_NAMES = Object.keys(paths) as IconName[];

export function Icon({ name, className }: { name: IconName; className?: string }): ReactElement {
  return (
    <LineDrawing className={className}>
      {paths[name].map((stroke) =>
        typeof stroke === 'string' ? (
          <path key={stroke} d={stroke} />
        ) : (
          <circle key={`${stroke.cx},${stroke.cy}`} {...stroke} />
        ),
      )}
    </LineDrawing>
  );
}

/** A line drawing on a 24 × 24 grid in the colour of the text, hidden from screen readers (words beside it say it). */
export function LineDrawing({
  className,
  strokeWidth = 2.2,
  children,
}: {
  className?: string;
  strokeWidth?: number;
  children: ReactNode;
}): ReactElement {
  return (
    <svg
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}
