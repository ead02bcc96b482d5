/**
 * The proven optima Kiln recognises by content: each fixture instance is recognised with its optimum, the
 * table holds exactly TSPLIB95's published optima, and an edited instance borrows nothing.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_OPTIMA, knownOptimum } from '../../shared/tsp/known-optima.ts';
import { parseProblemFile } from '../../shared/tsp/problem.ts';
import { optima, readText, tspFiles } from '../helpers/tsplib-fixtures.ts';

/** TSPLIB95's published optimal lengths of the instances Kiln knows (the large ones are benchmark-only). */
const PUBLISHED: Record<string, number> = {
  a280: 2579,
  att48: 10628,
  att532: 27686,
  bayg29: 1610,
  berlin52: 7542,
  ch150: 6528,
  d18512: 645238,
  dantzig42: 699,
  eil51: 426,
  fnl4461: 182566,
  gr120: 6942,
  gr17: 2085,
  gr96: 55209,
  kroA100: 21282,
  pcb1173: 56892,
  pcb3038: 137694,
  pcb442: 50778,
  pla7397: 23260728,
  pla85900: 142382641,
  pr1002: 259045,
  pr2392: 378032,
  rat783: 8806,
  rl5915: 565530,
  si175: 21407,
  st70: 675,
  ulysses22: 7013,
  usa13509: 19982859,
};

describe('knownOptimum', () => {
  it.each(tspFiles)('%s: recognised by its content, with its optimum', (file) => {
    const name = file.replace(/\.tsp$/, '');
    expect(knownOptimum(parseProblemFile(file, readText(file)))).toBe(optima[name]);
  });

  it("holds TSPLIB95's published optima, one content hash per instance", () => {
    const entries = Object.entries(KNOWN_OPTIMA);
    expect(Object.fromEntries(entries.map(([, [name, optimum]]) => [name, optimum]))).toEqual(PUBLISHED);
    expect(new Set(entries.map(([, [name]]) => name)).size).toBe(entries.length);
    for (const [hash] of entries) expect(hash).toMatch(/^[0-9a-f]{16}$/);
    // The fixtures' optima are the published ones.
    for (const [name, optimum] of Object.entries(optima)) expect(PUBLISHED[name], name).toBe(optimum);
  });

  it('recognises a renamed copy, and not an edited one', () => {
    const text = readText('berlin52.tsp');
    expect(knownOptimum(parseProblemFile('mine.tsp', text.replace('NAME: berlin52', 'NAME: my-cities')))).toBe(7542);
    // One city moved by one unit: another instance, whose optimum nobody has proven.
    expect(knownOptimum(parseProblemFile('berlin52.tsp', text.replace(/^1 565\.0 575\.0$/m, '1 566.0 575.0')))).toBeUndefined();
  });
});
