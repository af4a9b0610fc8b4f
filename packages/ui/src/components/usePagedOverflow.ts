/**
 * Text or a list too long for the screen, shown a page at a time behind one big "続きを読む" button
 * instead of being cut off or needing a swipe (residents use single taps only). Text first shrinks
 * towards the 28 px floor; only what still does not fit is paged, in whole lines or whole items.
 */
import { type RefObject, useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { MIN_BODY_TEXT_PX } from '../theme/styles';

export interface PagedOverflow {
  /** How many pages the content needs (1: it all fits). */
  pages: number;
  /** The page on screen, from 0. */
  page: number;
  /** The next page, or back to the first after the last. */
  advance(): void;
}

/**
 * `ref` is a block with `overflow: hidden` whose size is set by its layout (e.g. a flex item with
 * `min-height: 0`). `mode`: 'text' shrinks the font to the floor then pages by whole lines;
 * 'items' pages by whole child elements. `content` is anything that changes what is shown.
 */
export function usePagedOverflow(
  ref: RefObject<HTMLElement | null>,
  mode: 'text' | 'items',
  content: unknown,
): PagedOverflow {
  const [pages, setPages] = useState(1);
  const [page, setPage] = useState(0);
  // Where each page starts (scrollTop) and, for items, how tall it is (whole items only).
  const [starts, setStarts] = useState<number[]>([0]);
  const [heights, setHeights] = useState<number[]>([]);
  const [size, setSize] = useState(0);

  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    el.style.fontSize = '';
    el.style.maxHeight = '';
    // Marks paged content for tests and assistive checks (data-paged="true" while it has pages).
    el.dataset.paged = 'false';
    el.scrollTop = 0;
    const fits = () => el.scrollHeight <= el.clientHeight + 1;
    if (mode === 'text') {
      let px = Number.parseFloat(getComputedStyle(el).fontSize);
      while (!fits() && px > MIN_BODY_TEXT_PX) {
        px = Math.max(MIN_BODY_TEXT_PX, px - 2);
        el.style.fontSize = `${px}px`;
      }
    }
    if (fits()) {
      setStarts([0]);
      setHeights([]);
      setPages(1);
      return;
    }
    const next: number[] = [0];
    const tall: number[] = [];
    if (mode === 'text') {
      // Whole lines a page, so no line is ever shown cut in half.
      const line = Number.parseFloat(getComputedStyle(el).lineHeight);
      const height = Math.max(1, Math.floor(el.clientHeight / line)) * line;
      el.style.maxHeight = `${height}px`;
      for (let top = height; top < el.scrollHeight - 1; top += height) next.push(top);
    } else {
      // Each page starts at the first item that did not fit whole on the one before.
      const items = Array.from(el.children) as HTMLElement[];
      const base = items[0]?.offsetTop ?? 0;
      let start = 0;
      let bottom = 0;
      for (const item of items) {
        const top = item.offsetTop - base;
        if (top + item.offsetHeight - start > el.clientHeight + 1 && top > start) {
          tall.push(bottom - start);
          next.push(top);
          start = top;
        }
        bottom = top + item.offsetHeight;
      }
      tall.push(bottom - start);
    }
    el.dataset.paged = 'true';
    setStarts(next);
    setHeights(tall);
    setPages(next.length);
  }, [ref, mode]);

  // Measured again when the content changes, when the pager appears (the text gets narrower) and on resize.
  // biome-ignore lint/correctness/useExhaustiveDependencies: content and pages are the triggers
  useLayoutEffect(() => {
    measure();
  }, [measure, content, pages > 1, size]);
  useEffect(() => {
    let frame = 0;
    const onResize = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setSize((n) => n + 1));
    };
    window.addEventListener('resize', onResize);
    // Room can also change without the window changing (a status line appears under the text).
    const container = ref.current?.parentElement?.parentElement;
    let lastHeight = container?.clientHeight ?? 0;
    const observer =
      container && typeof ResizeObserver !== 'undefined'
        ? new ResizeObserver(() => {
            if (container.clientHeight === lastHeight) return;
            lastHeight = container.clientHeight;
            onResize();
          })
        : null;
    if (container) observer?.observe(container);
    return () => {
      cancelAnimationFrame(frame);
      observer?.disconnect();
      window.removeEventListener('resize', onResize);
    };
  }, [ref]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new content starts at page one
  useEffect(() => setPage(0), [content]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const at = Math.min(page, starts.length - 1);
    // Items: the box ends under the page's last whole item, so nothing shows cut in half.
    const h = heights[at];
    if (h !== undefined && starts.length > 1) el.style.maxHeight = `${h + el.offsetHeight - el.clientHeight}px`;
    el.scrollTop = starts[at] ?? 0;
  });

  const advance = useCallback(() => setPage((p) => (p + 1 >= pages ? 0 : p + 1)), [pages]);
  return { pages, page: Math.min(page, pages - 1), advance };
}
