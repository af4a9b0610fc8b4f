// The emergency compose form, the most safety-critical form of the console, laid out at the common
// desktop widths (issue 13): every radio label on one line (they used to wrap one character per
// line), every box full size and right beside its label's first line. Measured from the rendered
// boxes, screenshotted.
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, openConsole } from '../helpers/pages';

jest.setTimeout(120_000);

const suite = browserSuite();

interface LabelBox {
  text: string;
  type: string;
  /** Lines the label's text takes. */
  lines: number;
  /** From the right edge of the box to the start of the text. */
  gap: number;
  /** Between the middles of the box and of the text's first line. */
  offset: number;
  /** The box's own width (a squeezed box is hard to see and to hit). */
  width: number;
}

test.each([1280, 1920])(
  'the compose form at %i px wide: choices on one line, boxes beside their labels',
  async (width) => {
    const page = await openConsole(suite, 'cityhall', {
      route: 'announcements',
      waitFor: 'announcement-compose',
      viewport: { width, height: 1000 },
    });
    await page.getByTestId('announcement-compose').click();
    const dialog = page.getByTestId('compose-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('kind-emergency').check();
    await page.waitForTimeout(100);
    await screenshot(page, `console-compose-${width}`);
    expect(await axeViolations(page)).toEqual([]);

    const boxes: LabelBox[] = await dialog.evaluate((root) =>
      Array.from(root.querySelectorAll('label'))
        .filter((label) => label.querySelector('input[type="radio"], input[type="checkbox"]'))
        .map((label) => {
          const input = label.querySelector('input')!;
          const range = document.createRange();
          range.selectNodeContents(label);
          range.setStartAfter(input);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
          const tops = new Set(rects.map((r) => Math.round(r.top / 4)));
          const box = input.getBoundingClientRect();
          const first = rects[0]!;
          return {
            text: label.textContent ?? '',
            type: input.type,
            lines: tops.size,
            gap: Math.round(first.left - box.right),
            offset: Math.round(Math.abs(first.top + first.height / 2 - (box.top + box.height / 2))),
            width: Math.round(box.width),
          };
        }),
    );
    // The kinds, the targets and the two check boxes at least.
    expect(boxes.filter((b) => b.type === 'radio').length).toBeGreaterThanOrEqual(7);
    expect(boxes.filter((b) => b.type === 'checkbox').length).toBeGreaterThanOrEqual(2);
    // A radio label is a word or two: one line. A check box's sentence may wrap; its box stays full
    // size beside the first line.
    const misplaced = boxes.filter(
      (b) => (b.type === 'radio' && b.lines !== 1) || b.gap < 0 || b.gap > 16 || b.offset > 6 || b.width < 18,
    );
    expect(misplaced).toEqual([]);
  },
);
