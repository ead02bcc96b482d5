/**
 * Control centers this worker has paired with, trust on first use like SSH's known_hosts: the file
 * `<stateDir>/known_control_centers` (mode 0600) has one line per control center, its name, its
 * Ed25519 public key and when it was first paired. An invitation from a known name with another
 * key is refused, loudly; a new name is shown as new, for the user to compare its key.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HEX32 } from './pairing-crypto.ts';

export type Acquaintance = { state: 'new' } | { state: 'known'; since: string } | { state: 'changed'; pinnedKey: string; line: number };

export class KnownControlCenters {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'known_control_centers');
  }

  check(name: string, publicKey: string): Acquaintance {
    const entries = this.entries();
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry === undefined) return { state: 'new' };
    return entry.key === publicKey ? { state: 'known', since: entry.since } : { state: 'changed', pinnedKey: entry.key, line: entry.line };
  }

  /** Remembers `name`'s key (nothing when it is already known). */
  pin(name: string, publicKey: string): void {
    if (this.check(name, publicKey).state !== 'new') return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const header = existsSync(this.path)
      ? ''
      : '# kiln: control centers this worker paired with (name, Ed25519 key, first paired); delete a line to forget one\n';
    appendFileSync(this.path, `${header}${encodeURIComponent(name)} ${publicKey} ${new Date().toISOString()}\n`, { mode: 0o600 });
  }

  private entries(): { name: string; key: string; since: string; line: number }[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .map((text, index) => ({ fields: text.trim().split(/\s+/), line: index + 1 }))
      .filter(({ fields }) => fields.length >= 2 && !fields[0].startsWith('#') && HEX32.test(fields[1]))
      .map(({ fields, line }) => ({ name: safeDecode(fields[0]), key: fields[1], since: fields[2] ?? 'unknown', line }));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
