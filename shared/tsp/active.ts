import type { TourStructure } from './tour-structure.ts';
import type { Budget } from './budget.ts';
import type { Descent } from './chain.ts';
import type { Instance, NeighbourLists } from './types.ts';

/**
 * Don't-look bits (Bentley, "Fast algorithms for geometric traveling salesman problems", 1992) as a FIFO queue
 * of active cities: a city whose neighbourhood held no improving move is not looked at again until one of its
 * tour edges changes. Seeding the queue with a few cities (the ends of a kick) makes a descent local: its cost
 * follows the damage, not n.
 */
export class ActiveCities {
  private readonly queue: Int32Array;
  private readonly queued: Uint8Array;
  private head = 0;
  size = 0;

  constructor(n: number) {
    this.queue = new Int32Array(n);
    this.queued = new Uint8Array(n);
  }

  /** Activates a city (clears its don't-look bit); an active city stays where it is in the queue. */
  push(c: number): void {
    if (this.queued[c]) return;
    this.queued[c] = 1;
    let tail = this.head + this.size;
    if (tail >= this.queue.length) tail -= this.queue.length;
    this.queue[tail] = c;
    this.size++;
  }

  /** Activates every city of `order`, in that order. */
  pushAll(order: Int32Array): void {
    for (let p = 0; p < order.length; p++) this.push(order[p]);
  }

  /** The oldest active city, now inactive. Requires size > 0. */
  pop(): number {
    const c = this.queue[this.head];
    if (++this.head === this.queue.length) this.head = 0;
    this.size--;
    this.queued[c] = 0;
    return c;
  }

  /** Drops all active cities (after an interrupted search, before seeding a new one). */
  clear(): void {
    while (this.size > 0) this.pop();
  }

  /** The active cities, oldest first (what a stopped search had still to look at). */
  pending(): Int32Array {
    const pending = new Int32Array(this.size);
    for (let i = 0, at = this.head; i < this.size; i++, at = at + 1 === this.queue.length ? 0 : at + 1) pending[i] = this.queue[at];
    return pending;
  }
}

/** What the descents (localsearch.ts, lk.ts) share: the tour, the candidate lists and the active cities. */
export abstract class ActiveDescent implements Descent {
  protected readonly dist: (i: number, j: number) => number;
  protected readonly nbr: Int32Array;
  protected readonly k: number;
  protected readonly active: ActiveCities;
  /** Improving moves applied since construction. */
  moves = 0;

  constructor(
    instance: Instance,
    neighbours: NeighbourLists,
    protected readonly tour: TourStructure,
  ) {
    this.dist = instance.dist;
    this.nbr = neighbours.neighbours;
    this.k = neighbours.k;
    this.active = new ActiveCities(instance.n);
  }

  push(c: number): void {
    this.active.push(c);
  }

  pushAll(): void {
    this.active.pushAll(this.tour.toTour());
  }

  pending(): Int32Array {
    return this.active.pending();
  }

  clear(): void {
    this.active.clear();
  }

  abstract run(budget: Budget | null): number;
}
