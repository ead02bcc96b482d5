/**
 * The colour a new line takes: the first index, from `from` on, that no live line holds. A line keeps
 * the colour it was given for as long as it lives, so lines that come and go never repaint the others.
 */
export function freeColour(taken: Iterable<number>, from = 0): number {
  const used = new Set(taken);
  let colour = from;
  while (used.has(colour)) colour++;
  return colour;
}
