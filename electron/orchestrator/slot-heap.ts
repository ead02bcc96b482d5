/**
 * The callees ordered by load (slices in flight / concurrency), least loaded first, ties to the one
 * picked longest ago (round-robin among equals): a binary heap that knows each member's position, so
 * taking a slot, giving one back and a concurrency change each cost O(log n). With a crowd of 1,000
 * donors the orchestrator deals and collects about 1,000 slices a second; scanning every callee for
 * each (as before) was most of the control center's time (docs/benchmarks.md, "A crowd of donors").
 * The heap's top is full exactly when no callee has a free slot, so a deal that cannot happen costs O(1).
 */

/** What the heap orders; the registry owns the numbers and tells the heap when they change. */
export interface SlotHolder {
  inFlight: number;
  concurrency: number;
}

export class SlotHeap<T extends SlotHolder> {
  private readonly items: T[] = [];
  private readonly positions = new Map<T, number>();
  /** When each member was last picked (a counter, not a clock): the tie-break. */
  private readonly picked = new Map<T, number>();
  private picks = 0;

  get size(): number {
    return this.items.length;
  }

  /** Whether any member has a free slot (the least loaded one does). */
  get hasFree(): boolean {
    const top = this.items[0];
    return top !== undefined && top.inFlight < top.concurrency;
  }

  has(item: T): boolean {
    return this.positions.has(item);
  }

  /** `pickedAt`: when it was last picked (0: never, so first among equals). */
  add(item: T, pickedAt = 0): void {
    if (this.positions.has(item)) return;
    this.items.push(item);
    this.positions.set(item, this.items.length - 1);
    this.picked.set(item, pickedAt);
    this.up(this.items.length - 1);
  }

  delete(item: T): void {
    const at = this.positions.get(item);
    if (at === undefined) return;
    const last = this.items.pop()!;
    this.positions.delete(item);
    this.picked.delete(item);
    if (last === item) return;
    this.items[at] = last;
    this.positions.set(last, at);
    this.update(last);
  }

  /** The member's load or concurrency changed: restore the order. */
  update(item: T): void {
    const at = this.positions.get(item);
    if (at === undefined) return;
    this.down(this.up(at));
  }

  /**
   * Takes a slot on the least loaded member with one free that `eligible` accepts, or undefined.
   * Members passed over (ineligible for this caller) are set aside and put back, so the cost grows
   * only with how many of them are lighter than the one taken.
   */
  acquire(eligible: (item: T) => boolean): T | undefined {
    const passed: Array<[T, number]> = [];
    let found: T | undefined;
    while (this.items.length > 0) {
      const top = this.items[0];
      if (top.inFlight >= top.concurrency) break;
      if (eligible(top)) {
        found = top;
        break;
      }
      passed.push([top, this.picked.get(top)!]);
      this.delete(top);
    }
    for (const [item, pickedAt] of passed) this.add(item, pickedAt);
    if (found) {
      found.inFlight++;
      this.picked.set(found, ++this.picks);
      this.update(found);
    }
    return found;
  }

  /** Gives back a slot taken with acquire(). */
  release(item: T): void {
    item.inFlight = Math.max(0, item.inFlight - 1);
    this.update(item);
  }

  /** Whether a goes before b: lighter load first, then the one picked longer ago. */
  private before(a: T, b: T): boolean {
    // Cross-multiplied: loads are ratios, compared exactly.
    const left = a.inFlight * b.concurrency;
    const right = b.inFlight * a.concurrency;
    if (left !== right) return left < right;
    return this.picked.get(a)! < this.picked.get(b)!;
  }

  private up(at: number): number {
    const item = this.items[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, this.items[parent])) break;
      this.place(this.items[parent], at);
      at = parent;
    }
    this.place(item, at);
    return at;
  }

  private down(at: number): void {
    const item = this.items[at];
    const count = this.items.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && this.before(this.items[right], this.items[left]) ? right : left;
      if (!this.before(this.items[child], item)) break;
      this.place(this.items[child], at);
      at = child;
    }
    this.place(item, at);
  }

  private place(item: T, at: number): void {
    this.items[at] = item;
    this.positions.set(item, at);
  }
}
