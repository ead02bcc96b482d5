/**
 * The controller of `npm run bench:crowd` (a child process of bench/crowd.ts), as a control center's
 * page is: one autobahn session with the UI's ticket (KILN_TICKET), following every run's progress and
 * the machines summary, and asking kiln.solve.status every 100 ms (the next ask 100 ms after the
 * answer), timing each answer. On stdin "stop" (once the run has ended) it makes one more call, so every
 * event sent before is in, then prints one JSON line and exits.
 */
import { Procedures, Topics } from '../shared/protocol/uris.ts';
import type { WampSession } from '../shared/wamp.ts';
import { openWampClient } from '../electron/wamp/client.ts';

const [url] = process.argv.slice(2);
const latencies: number[] = [];
const progressAt: number[] = [];
let summaries = 0;
const failures: string[] = [];
let runId: string | null = null;

const session = await new Promise<WampSession>((resolve, reject) => {
  openWampClient({
    url,
    realm: 'kiln',
    credentials: { method: 'ticket', authid: 'ui', ticket: process.env.KILN_TICKET! },
    onOpen: resolve,
    onClose: (reason, message) => reject(new Error(`${reason}: ${message}`)),
  });
});
await session.subscribe(
  Topics.anyRunProgress,
  (args) => {
    progressAt.push(Date.now());
    runId ??= (args?.[0] as { runId: string }).runId;
  },
  { match: 'wildcard' },
);
await session.subscribe(Topics.machinesSummary, () => summaries++);
console.log('ready');

let asking = true;
void (async () => {
  while (asking) {
    const started = performance.now();
    try {
      await session.call(Procedures.solveStatus, runId === null ? [] : [runId]);
      latencies.push(performance.now() - started);
    } catch (error) {
      failures.push(String((error as { error?: string }).error ?? error));
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
})();

process.stdin.on('data', (chunk) => {
  if (!String(chunk).includes('stop')) return;
  asking = false;
  // The run's last progress event (sent as it ends) may still be on its way: the control center's
  // router writes a turn's frames when the turn ends, and the bench asks for this report within that
  // turn. A call's answer comes back on the same socket behind every event sent before it: one round
  // trip, and all the run's events are in.
  const report = (): never => {
    console.log(JSON.stringify({ latencies, progressAt, summaries, failures }));
    process.exit(0);
  };
  session.call(Procedures.solveStatus, runId === null ? [] : [runId]).then(report, report);
});
