/** The proven optima Kiln recognises by content: every instance in ../shared/tsplib, and nothing else. */
import { describe, expect, it } from 'vitest';
import { knownOptimum } from '../../shared/tsp/known-optima.ts';
import { parseProblemFile } from '../../shared/tsp/problem.ts';
import { optima, readText, tspFiles } from './tsplib-files.ts';

describe('knownOptimum', () => {
  it.each(tspFiles)('%s: the optimum in optima.json', (file) => {
    const name = file.replace(/\.tsp$/, '');
    expect(knownOptimum(parseProblemFile(file, readText(file)))).toBe(optima[name]);
  });

  it('recognises a renamed copy, and not an edited one', () => {
    const text = readText('berlin52.tsp');
    expect(knownOptimum(parseProblemFile('mine.tsp', text.replace('NAME: berlin52', 'NAME: my-cities')))).toBe(7542);
    // One city moved by one unit: another instance, whose optimum nobody has proven.
    expect(knownOptimum(parseProblemFile('berlin52.tsp', text.replace(/^1 565\.0 575\.0$/m, '1 566.0 575.0')))).toBeUndefined();
  });
});
