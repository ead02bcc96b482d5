/** The city set a command reads: its proven optimum from the flag, an optima.json beside it, or its content. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/commands/command.ts';
import { readProblem } from '../../electron/commands/problem-file.ts';
import { fixturePath, readText } from '../helpers/tsplib-fixtures.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kiln-problem-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** berlin52 with one city moved: an instance whose optimum only an optima.json can know. */
function unknownInstance(name: string): string {
  return readText('berlin52.tsp')
    .replace('NAME: berlin52', `NAME: ${name}`)
    .replace(/^1 565\.0 575\.0$/m, '1 566.0 575.0');
}

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'set-'));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('readProblem', () => {
  it("finds the optimum in optima.json when the instance's NAME carries .tsp (as pa561's does)", () => {
    const dir = folderWith({ 'pa561.tsp': unknownInstance('pa561.tsp'), 'optima.json': JSON.stringify({ pa561: 2763 }) });
    const problem = readProblem(join(dir, 'pa561.tsp'), undefined);
    expect(problem.name).toBe('pa561.tsp');
    expect(problem.optimum).toBe(2763);
  });

  it('looks the optimum up by the NAME inside, else by the file name', () => {
    const byName = folderWith({ 'copy.tsp': unknownInstance(' Mine '), 'optima.json': JSON.stringify({ Mine: 100, copy: 200 }) });
    expect(readProblem(join(byName, 'copy.tsp'), undefined).optimum).toBe(100);
    const byFile = folderWith({ 'copy.tsp': unknownInstance('other'), 'optima.json': JSON.stringify({ copy: 200 }) });
    expect(readProblem(join(byFile, 'copy.tsp'), undefined).optimum).toBe(200);
  });

  it('ignores an optima.json that is malformed or holds no usable length, and knows TSPLIB instances by content', () => {
    for (const optima of ['{ not json', '[7542]', 'null', JSON.stringify({ mine: -1 }), JSON.stringify({ mine: '7542' }), JSON.stringify({ mine: 1.5 })]) {
      const dir = folderWith({ 'mine.tsp': unknownInstance('mine'), 'optima.json': optima });
      expect(readProblem(join(dir, 'mine.tsp'), undefined).optimum, optima).toBeUndefined();
    }
    const renamed = folderWith({ 'mine.tsp': readText('berlin52.tsp').replace('NAME: berlin52', 'NAME: mine'), 'optima.json': '{}' });
    expect(readProblem(join(renamed, 'mine.tsp'), undefined).optimum).toBe(7542);
  });

  it('--optimum wins', () => {
    expect(readProblem(fixturePath('berlin52.tsp'), 8000).optimum).toBe(8000);
  });

  it('turns an unreadable or malformed file into one UsageError with the reason', () => {
    expect(() => readProblem(join(scratch, 'nope.tsp'), undefined)).toThrow(new UsageError(`cannot read ${join(scratch, 'nope.tsp')}: no such file`));
    const dir = folderWith({ 'bad.tsp': readFileSync(fixturePath('berlin52.tsp'), 'utf8').replace('DIMENSION: 52', 'DIMENSION: x') });
    expect(() => readProblem(join(dir, 'bad.tsp'), undefined)).toThrow(/bad\.tsp:\d+: .*DIMENSION/);
  });

  it("never prints a file's control bytes: a binary file is named as such, escape sequences in a text one are shown escaped", () => {
    const dir = folderWith({
      'photo.tsp': '\u0089PNG\r\n\u001a\n\u0000\u0000',
      'esc.tsp': `NAME: x\nCOMMENT: ${'text '.repeat(20)}\n\u001b]0;owned\u0007: 1\n`,
    });
    expect(() => readProblem(join(dir, 'photo.tsp'), undefined)).toThrow(
      new UsageError(`${join(dir, 'photo.tsp')}: not a text file (it holds binary data); give a TSPLIB .tsp or a CSV of coordinates`),
    );
    const escaped = (() => {
      try {
        readProblem(join(dir, 'esc.tsp'), undefined);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(escaped).toMatch(/esc\.tsp:3: .*\\x1b\]0;owned\\x07/i);
    expect(escaped).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
