import { applyKey } from './Keypad';
import { columnsFor } from './Screen';

describe('applyKey', () => {
  it('appends digits up to the maximum length', () => {
    expect(applyKey('', '1', 3)).toBe('1');
    expect(applyKey('12', '3', 3)).toBe('123');
    expect(applyKey('123', '4', 3)).toBe('123');
  });
  it('deletes the last digit and ignores anything else', () => {
    expect(applyKey('12', 'delete', 3)).toBe('1');
    expect(applyKey('', 'delete', 3)).toBe('');
    expect(applyKey('1', 'x', 3)).toBe('1');
    expect(applyKey('1', '12', 3)).toBe('1');
  });
});

describe('columnsFor', () => {
  it('lays buttons out in at most two rows of three', () => {
    expect([1, 2, 3, 4, 5, 6].map(columnsFor)).toEqual([1, 2, 3, 2, 3, 3]);
  });
});
