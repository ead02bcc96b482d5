import { describe, expect, it } from 'vitest';
import { SlotHeap, type SlotHolder } from '../../electron/orchestrator/slot-heap.ts';

interface Holder extends SlotHolder {
  name: string;
}

const holder = (name: string, concurrency: number): Holder => ({ name, concurrency, inFlight: 0 });
const anyone = (): boolean => true;

function heapOf(...holders: Holder[]): SlotHeap<Holder> {
  const heap = new SlotHeap<Holder>();
  for (const h of holders) heap.add(h);
  return heap;
}

describe('the callees ordered by load', () => {
  it('takes a slot on the least loaded callee, comparing loads as fractions of each one’s concurrency', () => {
    const big = holder('big', 8);
    const small = holder('small', 2);
    const heap = heapOf(big, small);
    const taken = Array.from({ length: 10 }, () => heap.acquire(anyone)!.name);
    // Every acquire lands where the load (in flight / concurrency) is lowest: 8 on big, 2 on small.
    expect(taken.filter((name) => name === 'big')).toHaveLength(8);
    expect(taken.filter((name) => name === 'small')).toHaveLength(2);
    expect(heap.acquire(anyone)).toBeUndefined();
    expect(heap.hasFree).toBe(false);
  });

  it('goes round-robin among equally loaded callees', () => {
    const holders = ['a', 'b', 'c'].map((name) => holder(name, 4));
    const heap = heapOf(...holders);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const taken = heap.acquire(anyone)!;
      order.push(taken.name);
      heap.release(taken);
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('passes over callees the caller will not take, and keeps them for the next caller', () => {
    const a = holder('a', 1);
    const b = holder('b', 1);
    const heap = heapOf(a, b);
    expect(heap.acquire((h) => h !== a)).toBe(b);
    expect(heap.acquire((h) => h !== a)).toBeUndefined();
    expect(heap.hasFree).toBe(true);
    expect(heap.acquire(anyone)).toBe(a);
  });

  it('frees a slot on release, follows concurrency changes and forgets deleted callees', () => {
    const a = holder('a', 1);
    const b = holder('b', 1);
    const heap = heapOf(a, b);
    heap.acquire(anyone);
    heap.acquire(anyone);
    expect(heap.hasFree).toBe(false);
    b.concurrency = 3;
    heap.update(b);
    expect(heap.acquire(anyone)).toBe(b);
    heap.release(a);
    heap.delete(a);
    expect(heap.has(a)).toBe(false);
    expect(heap.size).toBe(1);
    expect(heap.acquire(anyone)).toBe(b);
    expect(heap.acquire(anyone)).toBeUndefined();
  });

  it('keeps the order through many random takes, gives back and departures', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const holders = Array.from({ length: 50 }, (_, i) => holder(`h${i}`, 1 + (i % 5)));
    const heap = heapOf(...holders);
    const live = new Set(holders);
    for (let step = 0; step < 5000; step++) {
      const roll = random();
      if (roll < 0.5) {
        const free = [...live].filter((h) => h.inFlight < h.concurrency);
        const lightest = Math.min(...free.map((h) => h.inFlight / h.concurrency));
        const taken = heap.acquire(anyone);
        if (free.length === 0) expect(taken).toBeUndefined();
        else expect((taken!.inFlight - 1) / taken!.concurrency).toBe(lightest);
      } else if (roll < 0.95) {
        const busy = [...live].filter((h) => h.inFlight > 0);
        if (busy.length) heap.release(busy[Math.floor(random() * busy.length)]);
      } else if (live.size > 1) {
        const gone = [...live][Math.floor(random() * live.size)];
        heap.delete(gone);
        live.delete(gone);
      }
    }
    expect(heap.size).toBe(live.size);
  });
});
