import { AAA_CONTRAST, contrastRatio } from './contrast';
import { palette, TEXT_PAIRS } from './palette';

describe('contrast', () => {
  it('computes the textbook extremes', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
  });

  it('rejects malformed colours', () => {
    expect(() => contrastRatio('red', '#ffffff')).toThrow();
  });

  it.each(TEXT_PAIRS.map(([fg, bg]) => [fg, bg]))('%s on %s meets WCAG AAA', (fg, bg) => {
    expect(contrastRatio(palette[fg], palette[bg])).toBeGreaterThanOrEqual(AAA_CONTRAST);
  });

  it('the focus ring stands out against the background (3:1 non-text contrast at least)', () => {
    expect(contrastRatio(palette.focusRing, palette.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(palette.focusRing, palette.primary)).toBeGreaterThanOrEqual(1.5);
  });
});
