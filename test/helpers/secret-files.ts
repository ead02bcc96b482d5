/** Credential files as operators keep them, for the tests of the commands and settings that read them. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `text` to `dir/name` with exactly `mode`, whatever the umask: by default 0600, readable by its
 * owner only, as Kiln requires of a secret file (another mode, to see it refused); returns its path.
 */
export function writeSecretFile(dir: string, name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}
