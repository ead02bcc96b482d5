import { describe, expect, it } from 'vitest';
import { SpareTours } from '../../renderer/src/lib/map/spare-tours.ts';

describe('SpareTours: the buffers of the map worker tour copies', () => {
  it('copies into a fresh buffer while none has come back', () => {
    const spares = new SpareTours();
    const tour = Int32Array.of(2, 0, 1);
    const copy = spares.copyOf(tour);
    expect(copy).toEqual(tour);
    expect(copy.buffer).not.toBe(tour.buffer);
  });

  it('reuses a buffer handed back for the next copy of a tour of its length', () => {
    const spares = new SpareTours();
    const returned = Int32Array.of(9, 9, 9);
    spares.give(returned);
    const copy = spares.copyOf(Int32Array.of(1, 2, 0));
    expect(copy).toBe(returned);
    expect([...copy]).toEqual([1, 2, 0]);
    expect(spares.size).toBe(0);
  });

  it('drops spares of another length (a new city set) and copies afresh', () => {
    const spares = new SpareTours();
    spares.give(Int32Array.of(0, 1, 2));
    const copy = spares.copyOf(Int32Array.of(3, 1, 0, 2));
    expect([...copy]).toEqual([3, 1, 0, 2]);
    expect(spares.size).toBe(0);
  });

  it('keeps at most two spares, and never a detached (emptied) buffer', () => {
    const spares = new SpareTours();
    for (let i = 0; i < 4; i++) spares.give(new Int32Array(3));
    expect(spares.size).toBe(2);
    const detached = new Int32Array(3);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const other = new SpareTours();
    other.give(detached);
    expect(other.size).toBe(0);
  });
});
