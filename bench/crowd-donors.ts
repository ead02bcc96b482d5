/**
 * Simulated donors for `npm run bench:crowd` (a child process of bench/crowd.ts): each its own WebSocket
 * session joined with the invite as a browser donor would (WAMP-CRA, MessagePack), registering its own
 * kiln.anneal.<session id> with concurrency 2, following every run's state, publishing its load every second, and answering each slice after the
 * slice's time without annealing: it returns the start tour with at most one improving 2-opt move
 * (so the run keeps improving and progress keeps flowing). A raw WAMP client keeps this process cheap
 * next to the control center it measures.
 *
 * argv: URL AUTHID SECRET COUNT FIRST_INDEX. Prints "joined N" once all have joined, then on stdin
 * "stop" prints one JSON line of counts and exits.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { Packr } from 'msgpackr';
import WebSocket from 'ws';
import { Procedures, REALM, Topics, annealProcedure } from '../shared/protocol/uris.ts';
import type { AnnealRequest, ProblemWire, WorkerLoad } from '../shared/protocol/wire.ts';
import { decodeInt32s, toBytes } from '../shared/protocol/codecs.ts';
import { problemFromWire } from '../shared/protocol/validate.ts';
import type { ProblemData } from '../shared/tsp/types.ts';

const [url, authid, secret, countText, firstText] = process.argv.slice(2);
const count = Number(countText);
const first = Number(firstText);
// int64AsType: the router sends session ids (up to 2^53) as 64-bit integers; they are numbers here.
const packr = new Packr({ useRecords: false, variableMapSize: true, int64AsType: 'number' });
const SLOTS = 2;

const totals = { joined: 0, refused: 0, invocations: 0, yielded: 0, improved: 0, problemFetches: 0, errors: 0, closed: 0, sliceMsTotal: 0 };
const refusals = new Map<string, number>();

function craSignature(extra: Record<string, unknown>): string {
  const key = extra.salt
    ? pbkdf2Sync(secret, String(extra.salt), Number(extra.iterations ?? 1000), Number(extra.keylen ?? 32), 'sha256').toString('base64')
    : secret;
  return createHmac('sha256', key).update(String(extra.challenge)).digest('base64');
}

/** One improving 2-opt move found by a few random tries (O(tries) plus one reversal), or none. */
function nudge(tour: Int32Array, problem: ProblemData): boolean {
  const n = tour.length;
  const xs = problem.xs!;
  const ys = problem.ys!;
  const d = (a: number, b: number): number => Math.hypot(xs[a] - xs[b], ys[a] - ys[b]);
  for (let attempt = 0; attempt < 40; attempt++) {
    let i = Math.floor(Math.random() * (n - 2));
    let j = i + 2 + Math.floor(Math.random() * (n - i - 2));
    if (j >= n) continue;
    const [a, b, c, e] = [tour[i], tour[i + 1], tour[j], tour[(j + 1) % n]];
    if (d(a, c) + d(b, e) < d(a, b) + d(c, e) - 1e-9) {
      for (i = i + 1; i < j; i++, j--) [tour[i], tour[j]] = [tour[j], tour[i]];
      return true;
    }
  }
  return false;
}

function startDonor(index: number): Promise<void> {
  return new Promise((resolve) => {
    const workerId = `sim-${index}`;
    const socket = new WebSocket(url, ['wamp.2.msgpack']);
    let requestId = 1;
    let registered = false;
    let inFlight = 0;
    let slicesDone = 0;
    let loadTimer: NodeJS.Timeout | undefined;
    const problems = new Map<string, Promise<ProblemData>>();
    const pendingCalls = new Map<number, (result: unknown[] | null) => void>();
    const send = (message: unknown[]): void => {
      if (socket.readyState === WebSocket.OPEN) socket.send(packr.pack(message));
    };
    const problemOf = (hash: string, procedure: string): Promise<ProblemData> => {
      let pending = problems.get(hash);
      if (!pending) {
        totals.problemFetches++;
        const id = requestId++;
        pending = new Promise((done, fail) => {
          pendingCalls.set(id, (args) => (args ? done(problemFromWire(args[0] as ProblemWire)) : fail(new Error('problem fetch failed'))));
        });
        send([48, id, {}, procedure, [hash]]);
        problems.set(hash, pending);
      }
      return pending;
    };
    const load = (): WorkerLoad => ({
      workerId,
      host: `sim-host-${index}`,
      kind: 'browser',
      cores: SLOTS,
      concurrency: SLOTS,
      inFlight,
      cpuPercent: inFlight * 50,
      movesPerSecond: 0,
      slicesDone,
      memoryMB: 1,
      version: 'bench',
    });
    const onInvocation = async (request: number, kwargs: AnnealRequest): Promise<void> => {
      totals.invocations++;
      totals.sliceMsTotal += kwargs.budget?.ms ?? 0;
      inFlight++;
      try {
        const problem = await problemOf(kwargs.problemHash, kwargs.problemFrom ?? Procedures.problemGet);
        const tour = kwargs.tour ? Int32Array.from(decodeInt32s(kwargs.tour, 'tour')) : Int32Array.from({ length: problem.n }, (_, i) => i);
        await new Promise((wait) => setTimeout(wait, kwargs.budget.ms ?? 100));
        // As ComputeCallee answers: the tour only when it is shorter than the start (or there was none).
        const improved = nudge(tour, problem) || kwargs.tour === undefined;
        if (improved) totals.improved++;
        slicesDone++;
        totals.yielded++;
        // As autobahn yields a procedure's return value: the one positional argument.
        send([
          70,
          request,
          {},
          [
            {
              runId: kwargs.runId,
              ...(improved ? { tour: toBytes(tour) } : {}),
              length: 0,
              workerId,
              stopped: false,
              stats: { movesTried: 1000, movesAccepted: 1, improvements: 1, elapsedMs: kwargs.budget.ms ?? 0, startLength: 0 },
            },
          ],
        ]);
      } catch {
        totals.errors++;
        send([8, 68, request, {}, 'kiln.error.slice_failed', ['simulated donor failed']]);
      } finally {
        inFlight--;
      }
    };
    socket.on('open', () => send([1, REALM, { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} }, authmethods: ['wampcra'], authid }]));
    socket.on('message', (data: Buffer) => {
      const message = packr.unpack(data) as unknown[];
      switch (message[0]) {
        case 4: // CHALLENGE
          send([5, craSignature(message[2] as Record<string, unknown>), {}]);
          break;
        case 2: // WELCOME: a compute session may register only its own kiln.anneal.<session id>
          send([64, requestId++, { invoke: 'single', concurrency: SLOTS }, annealProcedure(message[1] as number)]);
          break;
        case 3: {
          // ABORT
          totals.refused++;
          const reason = String(message[2]);
          refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
          resolve();
          break;
        }
        case 65: // REGISTERED
          if (!registered) {
            registered = true;
            totals.joined++;
            // As ComputeCallee does: every run's state (a run that ends stops its slices), one event per donor.
            send([32, requestId++, { match: 'wildcard' }, Topics.anyRunState]);
            send([16, requestId++, { disclose_me: true }, Topics.workerLoad, [load()]]);
            loadTimer = setInterval(() => send([16, requestId++, { disclose_me: true }, Topics.workerLoad, [load()]]), 1000);
            resolve();
          }
          break;
        case 68: // INVOCATION
          void onInvocation(message[1] as number, (message[5] ?? {}) as AnnealRequest);
          break;
        case 50: // RESULT
          pendingCalls.get(message[1] as number)?.(message[3] as unknown[]);
          pendingCalls.delete(message[1] as number);
          break;
        case 8: // ERROR
          if (message[1] === 48) {
            pendingCalls.get(message[2] as number)?.(null);
            pendingCalls.delete(message[2] as number);
          } else if (message[1] === 64) {
            // REGISTER refused: this donor cannot take slices; count it as refused, with the reason.
            totals.refused++;
            const reason = `register: ${String(message[4])}`;
            refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
            socket.close();
          }
          break;
        case 6: // GOODBYE
          send([6, {}, 'wamp.close.goodbye_and_out']);
          break;
      }
    });
    socket.on('close', () => {
      clearInterval(loadTimer);
      totals.closed++;
      resolve();
    });
    socket.on('error', () => resolve());
  });
}

// Joining all at once is the crowd's worst moment; a small stagger is what a real audience does anyway.
const joins: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  joins.push(startDonor(first + i));
  if (i % 50 === 49) await new Promise((wait) => setTimeout(wait, 20));
}
await Promise.all(joins);
console.log(`joined ${totals.joined} refused ${totals.refused}`);
process.stdin.on('data', (chunk) => {
  if (String(chunk).includes('stop')) {
    console.log(JSON.stringify({ ...totals, refusals: Object.fromEntries(refusals) }));
    process.exit(0);
  }
});
