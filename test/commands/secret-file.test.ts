/**
 * The one reader of credential files (--secret-file, --ticket-file, --join FILE): only a regular file
 * that group and others cannot read, no larger than a credential, each refusal saying why and how to fix it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/commands/command.ts';
import { readOwnerOnlyFile } from '../../electron/commands/secret-file.ts';
import { writeSecretFile } from '../helpers/secret-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'kiln-secret-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string, mode?: number): string => writeSecretFile(dir, name, text, mode);

describe('readOwnerOnlyFile', () => {
  it('reads a file only its owner can read', () => {
    expect(readOwnerOnlyFile(file('ok', 'secret\n'), '--secret-file ok', 100)).toBe('secret\n');
  });

  // Windows has no such mode bits: the check (and so this test) is for POSIX systems.
  it.skipIf(process.platform === 'win32')('refuses a file group or others can read, naming the mode and the fix', () => {
    const open = file('open', 'x', 0o644);
    expect(() => readOwnerOnlyFile(open, '--join open', 100)).toThrow(
      `--join open: readable by group or others (mode 644); it holds a credential: chmod 600 ${open}`,
    );
  });

  it('refuses a file larger than a credential, a directory and a missing file, as usage errors', () => {
    const cases: Array<[string, RegExp]> = [
      [file('huge', 'x'.repeat(101)), /101 bytes, more than the 100 a credential takes/],
      [dir, /not a regular file/],
      [join(dir, 'missing'), /no such file \(ENOENT\)/],
    ];
    for (const [path, message] of cases) {
      let thrown: unknown;
      try {
        readOwnerOnlyFile(path, 'the file', 100);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});
