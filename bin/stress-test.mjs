#!/usr/bin/env node
// `npm run test:stress [-- --runs 3 --burners 2] [-- COMMAND ...]`: runs the test suite (default
// `npm test`) several times in a row while other processes keep CPUs busy, as on a shared, loaded
// machine; the suite must pass every time. Exits non-zero if any run failed; burners always end.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, burners: { type: 'string', default: '2' } },
});
const runs = Number(values.runs);
const burnerCount = Number(values.burners);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('test:stress: --runs must be an integer >= 1 and --burners one >= 0');
  process.exit(2);
}
const [command, ...args] = positionals.length > 0 ? positionals : ['npm', 'test'];

// Each burner is a plain busy loop in its own process: it competes for a core like any other program.
const burners = Array.from({ length: burnerCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

const outcomes = [];
for (let run = 1; run <= runs; run++) {
  console.log(`\ntest:stress: run ${run} of ${runs} (${burnerCount} CPU burners): ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    child.on('error', (error) => {
      console.error(`test:stress: cannot run ${command}: ${error.message}`);
      resolve(127);
    });
  });
  outcomes.push({ run, code, seconds: (Date.now() - started) / 1000 });
}
stopBurners();

console.log('\ntest:stress: results');
for (const { run, code, seconds } of outcomes) console.log(`  run ${run}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(0)} s`);
const failed = outcomes.filter((outcome) => outcome.code !== 0).length;
console.log(failed === 0 ? `test:stress: all ${runs} runs passed` : `test:stress: ${failed} of ${runs} runs failed`);
process.exitCode = failed === 0 ? 0 : 1;
