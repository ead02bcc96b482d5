/**
 * The kernel's mutable tour as an array plus each city's position in it, so that succ, pred and "is x between
 * a and b" are O(1). A reversal swaps the positions of its path, and a 2-opt move reverses whichever of its two
 * paths is shorter (both give the same cycle), so a move costs at most n / 2 swaps: the structure for small and
 * medium tours (twolevel.ts beyond; tour-structure.ts says what both offer).
 */
import { ReversibleTour } from './tour-structure.ts';
import type { Tour } from './types.ts';

export class ArrayTour extends ReversibleTour {
  readonly n: number;
  /** order[p] is the city at position p. */
  readonly order: Int32Array;
  /** pos[c] is the position of city c. */
  readonly pos: Int32Array;

  constructor(tour: Tour) {
    super();
    const n = tour.length;
    this.n = n;
    this.order = Int32Array.from(tour);
    this.pos = new Int32Array(n);
    for (let p = 0; p < n; p++) this.pos[tour[p]] = p;
  }

  succ(c: number): number {
    const p = this.pos[c] + 1;
    return this.order[p === this.n ? 0 : p];
  }

  pred(c: number): number {
    const p = this.pos[c];
    return this.order[p === 0 ? this.n - 1 : p - 1];
  }

  /** Positions from a forward to b, inclusive: 1 when a === b. */
  span(a: number, b: number): number {
    const d = this.pos[b] - this.pos[a];
    return (d < 0 ? d + this.n : d) + 1;
  }

  between(a: number, x: number, b: number): boolean {
    return this.span(a, x) <= this.span(a, b);
  }

  toTour(): Int32Array {
    return this.order.slice();
  }

  copyTo(out: Int32Array): void {
    out.set(this.order);
  }

  load(tour: Tour): void {
    this.order.set(tour);
    for (let p = 0; p < this.n; p++) this.pos[this.order[p]] = p;
  }

  move2opt(a: number, b: number, c: number, d: number): void {
    const n = this.n;
    let first: number;
    let last: number;
    if (this.succ(a) === b) {
      first = this.pos[b]; // ... a [b ... c] d ...
      last = this.pos[c];
    } else {
      first = this.pos[a]; // ... b [a ... d] c ...
      last = this.pos[d];
    }
    let length = last - first;
    if (length < 0) length += n;
    length += 1;
    if (2 * length > n) {
      // The complement gives the same cycle in the opposite orientation, with fewer swaps.
      first = last + 1;
      if (first >= n) first -= n;
      length = n - length;
      last = first + length - 1;
      if (last >= n) last -= n;
    }
    this.reverse(this.order[first], this.order[last]);
  }

  protected flipPath(from: number, to: number): void {
    const { order, pos, n } = this;
    let i = pos[from];
    let j = pos[to];
    let length = j - i;
    if (length < 0) length += n;
    length += 1;
    this.swaps += length >> 1;
    for (let s = length >> 1; s > 0; s--) {
      const ci = order[i];
      const cj = order[j];
      order[i] = cj;
      pos[cj] = i;
      order[j] = ci;
      pos[ci] = j;
      if (++i === n) i = 0;
      if (--j < 0) j = n - 1;
    }
  }
}
