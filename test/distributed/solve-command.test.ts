import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import { KILN } from '../helpers/kiln-process.ts';
import { fixturePath } from '../helpers/tsplib-fixtures.ts';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kiln-solve-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kiln solve', () => {
  it("reaches berlin52's optimum within a few seconds and writes a valid .tour", async () => {
    const out = join(scratch, 'berlin52.tour');
    // The budget includes the command's start-up (threads and router), which a loaded machine slows.
    const { stdout } = await run(process.execPath, [KILN, 'solve', fixturePath('berlin52.tsp'), '--budget', '5s', '--out', out], { cwd: REPO });
    const summary = JSON.parse(stdout.trim());
    expect(summary).toMatchObject({ name: 'berlin52', n: 52, state: 'finished', length: 7542, optimum: 7542, gapPercent: 0, tour: out });
    // The optimum came from slices: the first one came back after the start and before the answer.
    expect(summary.firstSliceMs).toBeGreaterThan(0);
    expect(summary.firstSliceMs).toBeLessThanOrEqual(summary.elapsedMs);
    const instance = createInstance(parseTsplib(readFileSync(fixturePath('berlin52.tsp'), 'utf8'), 'berlin52.tsp'));
    const { tour } = parseTour(readFileSync(out, 'utf8'), 52, 'berlin52.tour');
    expect(tourLength(instance, tour)).toBe(7542);
  });

  it("knows a TSPLIB instance's proven optimum with no optima.json beside it", async () => {
    const copy = join(scratch, 'my-cities.tsp');
    copyFileSync(fixturePath('ulysses22.tsp'), copy);
    const { stdout } = await run(process.execPath, [KILN, 'solve', copy, '--budget', '1s', '--workers', '1'], { cwd: REPO });
    expect(JSON.parse(stdout.trim())).toMatchObject({ n: 22, optimum: 7013, tour: join(scratch, 'my-cities.tour') });
  });

  it('explains bad input instead of crashing', async () => {
    const missing = await run(process.execPath, [KILN, 'solve', join(scratch, 'nope.tsp'), '--budget', '1s'], { cwd: REPO }).catch((e) => e);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.tsp/);
    const noBudget = await run(process.execPath, [KILN, 'solve', fixturePath('berlin52.tsp')], { cwd: REPO }).catch((e) => e);
    expect(noBudget.code).toBe(2);
    expect(noBudget.stderr).toMatch(/--budget is required/);
    // A budget the orchestrator would refuse is a usage error here: one line, exit 2, no stack.
    const budgets = ['0s', '50ms', '25h'];
    const refusals = await Promise.all(
      budgets.map((budget) => run(process.execPath, [KILN, 'solve', fixturePath('berlin52.tsp'), '--budget', budget], { cwd: REPO }).catch((e) => e)),
    );
    refusals.forEach((bad, i) => {
      expect(bad.code, budgets[i]).toBe(2);
      expect(bad.stderr).toBe(`kiln solve: --budget must be from 100ms to 24h, got '${budgets[i]}'\n`);
    });
  });

  it('refuses a tour path it cannot write before solving, not after the budget', async () => {
    // A day's budget: only a refusal at the start ends the command in time (the kill only cleans up after a failure).
    const cases = [
      { out: join(scratch, 'no-such-folder', 'x.tour'), reason: `the folder ${join(scratch, 'no-such-folder')} does not exist` },
      { out: scratch, reason: 'it is a directory' },
    ];
    const refusals = await Promise.all(
      cases.map(({ out }) =>
        run(process.execPath, [KILN, 'solve', fixturePath('berlin52.tsp'), '--budget', '24h', '--out', out], { cwd: REPO, timeout: 25_000 }).catch((e) => e),
      ),
    );
    refusals.forEach((bad, i) => {
      expect(bad.code, cases[i].out).toBe(2);
      expect(bad.stderr).toBe(`kiln solve: cannot write the tour to ${cases[i].out}: ${cases[i].reason}\n`);
    });
  });
});
