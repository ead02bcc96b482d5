/**
 * `kiln solve`'s progress line: on a terminal, one line on stderr redrawn in place (elapsed, best,
 * gap, callees, slices/s); nothing of it without a terminal or with --quiet; stdout stays one JSON line.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProgress, showsProgress } from '../../electron/commands/progress-line.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import { writeTsplib } from '../helpers/city-files.ts';
import { KILN } from '../helpers/kiln-process.ts';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'kiln-progress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** util-linux's `script` gives a child a pseudo-terminal (`-q` quiet, `-f` flush, `-c` command). */
const SCRIPT = '/usr/bin/script';

const cityFile = (): string => writeTsplib(scratch, { ...randomUniformProblem(80, 5), name: 'cities80' });

/**
 * Runs `kiln solve` on a pseudo-terminal; everything it wrote to the terminal, in order. `onOutput` sees
 * the output so far and may type on the terminal (as a user at the keyboard).
 */
function solveOnTerminal(args: string[], onOutput?: (output: string, type: (keys: string) => void) => void): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, KILN, 'solve', ...args].map(quote).join(' ');
  const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    onOutput?.(output, (keys) => child.stdin.write(keys));
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('the progress line', () => {
  it('shows elapsed time, best length, gap, callees and slices per second', () => {
    expect(formatProgress({ elapsedMs: 3200, bestLength: 7542.4, gapPercent: 0, callees: 2, threads: 5, slicesDone: 16 })).toBe(
      'kiln solve   3.2 s  best 7,542  gap 0.00%  2 callees (5 threads)  5.0 slices/s',
    );
  });

  it('says what it does not know yet instead of showing made-up numbers', () => {
    const line = formatProgress({ elapsedMs: 0, bestLength: null, gapPercent: 12, callees: 0, threads: 0, slicesDone: 0 });
    expect(line).toBe('kiln solve   0.0 s  no tour yet  no callees yet  0.0 slices/s');
    expect(formatProgress({ elapsedMs: 1000, bestLength: 10, callees: 1, threads: 1, slicesDone: 1 })).toBe(
      'kiln solve   1.0 s  best 10  1 callee (1 thread)  1.0 slices/s',
    );
  });

  it('is shown only on a terminal that can redraw, and never with --quiet', () => {
    expect(showsProgress({ isTTY: true }, false, { TERM: 'xterm' })).toBe(true);
    expect(showsProgress({ isTTY: true }, true, { TERM: 'xterm' })).toBe(false);
    expect(showsProgress({ isTTY: false }, false, { TERM: 'xterm' })).toBe(false);
    expect(showsProgress({}, false, {})).toBe(false);
    expect(showsProgress({ isTTY: true }, false, { TERM: 'dumb' })).toBe(false);
  });
});

describe('kiln solve progress', () => {
  it('writes nothing but the JSON line when its output is not a terminal', async () => {
    const { stdout, stderr } = await run(process.execPath, [KILN, 'solve', cityFile(), '--budget', '1500ms', '--out', join(scratch, 'piped.tour')]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ n: 80, state: 'finished' });
    expect(stderr).not.toMatch(/\r|kiln solve +\d/);
  });

  it.skipIf(!existsSync(SCRIPT))('redraws one progress line in place on a terminal, then prints the JSON line (needs util-linux script)', async () => {
    const { code, output } = await solveOnTerminal([cityFile(), '--budget', '2s', '--out', join(scratch, 'tty.tour')]);
    expect(code).toBe(0);
    // Each redraw returns to the line's start and erases what a longer line left behind.
    const draws = output.split('\r').filter((part) => part.startsWith('kiln solve '));
    expect(draws.length).toBeGreaterThanOrEqual(1);
    for (const draw of draws) expect(draw).toMatch(/^kiln solve +\d+\.\d s {2}(no tour yet|best [\d,]+ {2}gap |best [\d,]+ {2}).*slices\/s\x1b\[K$/);
    // The last draw, the run's final state, stays: it has the answer's tour.
    expect(draws.at(-1)).toMatch(/best [\d,]+/);
    // The answer stands alone on its line.
    const answer = output.split(/\r?\n|\r/).find((line) => line.startsWith('{'));
    expect(JSON.parse(answer!)).toMatchObject({ n: 80, state: 'finished' });
  });

  it.skipIf(!existsSync(SCRIPT))('shows no progress line on a terminal with --quiet (needs util-linux script)', async () => {
    const { code, output } = await solveOnTerminal([cityFile(), '--budget', '1s', '--quiet', '--out', join(scratch, 'quiet.tour')]);
    expect(code).toBe(0);
    expect(output).not.toMatch(/kiln solve +\d/);
    expect(JSON.parse(output.trim())).toMatchObject({ n: 80 });
  });

  it.skipIf(!existsSync(SCRIPT))('Ctrl-C ends the run early, and its best tour so far is still written and printed (needs util-linux script)', async () => {
    const out = join(scratch, 'interrupted.tour');
    let typed = false;
    // A day's budget: only the Ctrl-C, typed once the line shows a best tour, ends the command in time.
    const { code, output } = await solveOnTerminal([cityFile(), '--budget', '24h', '--out', out], (soFar, type) => {
      if (typed || !/best [\d,]+/.test(soFar)) return;
      typed = true;
      type('\x03');
    });
    expect(code).toBe(130);
    const answer = output.split(/\r?\n|\r/).find((line) => line.startsWith('{'));
    expect(JSON.parse(answer!)).toMatchObject({ n: 80, state: 'stopped', tour: out });
    expect(parseTour(readFileSync(out, 'utf8'), 80, 'interrupted.tour').tour).toHaveLength(80);
  });
});
