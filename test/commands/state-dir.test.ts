/**
 * `kiln serve` and `kiln worker` check the state directory before they start anything: a file named
 * there (or a folder below a file) is one line and exit 2, not a local worker's "unreachable" lines
 * followed by a bare ENOTDIR.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKiln } from '../helpers/kiln-process.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kiln-state-'));
const file = join(scratch, 'a-file');
writeFileSync(file, 'not a folder');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a state directory that cannot be one', () => {
  it.each([
    [['serve', '--port', '0', '--threads', '1', '--state-dir', file], `kiln serve: --state-dir ${file}: not a directory\n`],
    [
      ['serve', '--port', '0', '--threads', '1', '--state-dir', join(file, 'kiln')],
      `kiln serve: --state-dir ${join(file, 'kiln')}: a part of this path is a file, not a folder\n`,
    ],
    [['worker', '--threads', '1', '--state-dir', file], `kiln worker: --state-dir ${file}: not a directory\n`],
  ])('kiln %j is refused before anything starts', async (args, stderr) => {
    expect(await runKiln(args)).toEqual({ code: 2, stdout: '', stderr });
  });
});
