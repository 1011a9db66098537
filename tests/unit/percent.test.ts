import { describe, expect, it } from 'vitest';
import { percent } from '../../src/features/ballots/meeting-notice.ts';

describe('percent', () => {
  it('rounds to one decimal instead of cutting', () => {
    expect(percent(15, 39)).toBe('38.5%'); // 38.46…
    expect(percent(2, 3)).toBe('66.7%'); // 66.66…
    expect(percent(1, 3)).toBe('33.3%');
    expect(percent(1, 8)).toBe('12.5%'); // exact
    expect(percent(1, 16)).toBe('6.3%'); // 6.25: half rounds up
    expect(percent(39, 39)).toBe('100.0%');
    expect(percent(0, 39)).toBe('0.0%');
  });
  it('never shows all or none when it is not', () => {
    expect(percent(9999, 10000)).toBe('99.9%');
    expect(percent(1, 10000)).toBe('0.1%');
  });
  it('has no share of nothing', () => {
    expect(percent(0, 0)).toBe('—');
  });
});
