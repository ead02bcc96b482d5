/**
 * Best known lengths, kept with the city sets in the state directory: `<state dir>/best-known/<hash>.json`
 * (`{"length": ..., "setAt": ...}`), keyed by the set's content hash (problemHash), so every window, every
 * restart and every run of the same cities sees the same reference. Each file is replaced atomically
 * (atomic-file.ts); a damaged file reads as no length. At most 10,000 sets: setting one more forgets
 * the one set longest ago.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomic } from './atomic-file.ts';
import { PROBLEM_HASH } from './run-store.ts';

const MAX_ENTRIES = 10_000;

export class BestKnownStore {
  private readonly dir: string;

  constructor(
    stateDir: string,
    private readonly maxEntries = MAX_ENTRIES,
  ) {
    this.dir = join(stateDir, 'best-known');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The length kept for the set with this hash, or null. Throws on a malformed hash. */
  get(hash: string): number | null {
    try {
      const stored: unknown = JSON.parse(readFileSync(this.path(hash), 'utf8'));
      const length = typeof stored === 'object' && stored !== null ? (stored as { length?: unknown }).length : undefined;
      return typeof length === 'number' && Number.isFinite(length) && length > 0 ? length : null;
    } catch (error) {
      if (error instanceof RangeError) throw error;
      return null; // none kept, or a damaged file
    }
  }

  /** Keeps `length` for the set (null forgets it); answers what is kept now. The caller validates the length. */
  set(hash: string, length: number | null): number | null {
    const path = this.path(hash);
    if (length === null) {
      rmSync(path, { force: true });
      syncDirectory(this.dir);
      return null;
    }
    this.makeRoom(`${hash}.json`);
    writeFileAtomic(path, JSON.stringify({ length, setAt: Date.now() }));
    return length;
  }

  private path(hash: string): string {
    if (!PROBLEM_HASH.test(hash)) throw new RangeError(`hash: expected a city set's content hash (hex), not ${JSON.stringify(hash).slice(0, 80)}`);
    return join(this.dir, `${hash}.json`);
  }

  /** Forgets the sets set longest ago while a new one would go past maxEntries. */
  private makeRoom(name: string): void {
    const names = readdirSync(this.dir).filter((each) => each.endsWith('.json'));
    if (names.length < this.maxEntries || names.includes(name)) return;
    const oldest = names
      .map((each) => ({ each, at: statSync(join(this.dir, each), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => a.at - b.at)
      .slice(0, names.length - this.maxEntries + 1);
    for (const { each } of oldest) rmSync(join(this.dir, each), { force: true });
  }
}
