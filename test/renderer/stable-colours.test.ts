import { describe, expect, it } from 'vitest';
import { freeColour } from '../../renderer/src/lib/charts/stable-colours.ts';

describe('freeColour', () => {
  it('gives the first index no live line holds', () => {
    expect(freeColour([])).toBe(0);
    expect(freeColour([0, 1, 2])).toBe(3);
  });

  it('reuses the colour of a line that dropped out, leaving the others theirs', () => {
    // Lines 0..3 live; the one with colour 1 leaves: the next new line takes 1, not 4.
    expect(freeColour([0, 2, 3])).toBe(1);
  });

  it('starts at the first colour given for its kind of line', () => {
    expect(freeColour([], 3)).toBe(3);
    expect(freeColour([3, 5], 3)).toBe(4);
    expect(freeColour([0, 1, 2], 3)).toBe(3);
  });
});
