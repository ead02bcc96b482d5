/**
 * Donors' display names: shown to everyone in the room, so they are cleaned of anything that could
 * garble or spoof a line (control and format characters, bidirectional overrides, runs of spaces),
 * bounded in length, and compared for uniqueness without case or compatibility differences.
 */
import { MAX_DISPLAY_NAME } from '../../shared/protocol/wire.ts';

/** The name as shown, or an error message saying why it cannot be one. */
export function cleanDisplayName(value: unknown): { name: string } | { error: string } {
  if (typeof value !== 'string') return { error: 'name: expected a string' };
  const name = value
    .normalize('NFC')
    // Cc (controls), Cf (format: bidi overrides, zero-width joiners), Co/Cn (private/unassigned), line separators.
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (name.length === 0) return { error: 'name: empty once cleaned of invisible characters' };
  if ([...name].length > MAX_DISPLAY_NAME) return { error: `name: at most ${MAX_DISPLAY_NAME} characters` };
  return { name };
}

/** The key two names collide on: "Ana", "ANA" and "Ａｎａ" are one name. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en-US');
}
