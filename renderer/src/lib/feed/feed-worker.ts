/**
 * The run feed's worker: its own WAMP session, subscribed to every run's progress, so that receiving
 * and decoding a 30,000-city tour ten times a second happens off the page's main thread. The page gets
 * the followed run's latest progress with its tour as a transferred Int32Array, one at a time, the next
 * once the page has shown the last (see handover.ts). It also places the page's calls with a big payload
 * (kiln.solve.start with its city set: calls.ts), so encoding and sending them never block the page.
 */
import { Topics } from '../../../../shared/protocol/uris.ts';
import { createConnection, onSessions } from '../wamp/connection.ts';
import type { WampSession } from '../../../../shared/wamp.ts';
import { placeCall } from './calls.ts';
import type { FromFeedWorker, ToFeedWorker } from './messages.ts';
import { ProgressHandover } from './handover.ts';
import { decodeProgress } from './progress.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToFeedWorker>) => void) | null;
  postMessage(message: FromFeedWorker, transfer?: Transferable[]): void;
};

const handover = new ProgressHandover((progress, received) =>
  scope.postMessage({ type: 'progress', progress, received }, progress.tour ? [progress.tour.buffer] : []),
);

function onProgress(payload: unknown): void {
  const progress = decodeProgress(payload);
  if (progress) handover.received(progress);
}

/** The worker's session while it is open. */
let session: WampSession | null = null;

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'connect': {
      const connection = createConnection(data.endpoint);
      onSessions(
        connection,
        data.endpoint.url,
        (opened) => {
          session = opened;
          opened
            .subscribe(Topics.anyRunProgress, (args, kwargs) => onProgress(args && args.length > 0 ? args[0] : kwargs), { match: 'wildcard' })
            .then(
              () => scope.postMessage({ type: 'subscribed' }),
              (error: unknown) =>
                scope.postMessage({ type: 'refused', reason: `cannot follow progress: ${String((error as { error?: string }).error ?? error)}` }),
            );
        },
        (reason, details) => {
          session = null;
          // autobahn retries what may pass (a lost or unreachable router); a refusal is final.
          if (!details.will_retry) scope.postMessage({ type: 'refused', reason: details.reason ?? reason });
          return false;
        },
      );
      connection.open();
      return;
    }
    case 'follow':
      return handover.follow(data.runId);
    case 'shown':
      return handover.shown();
    case 'call': {
      const { id, procedure, args, kwargs } = data;
      void placeCall(session, procedure, args, kwargs).then((answer) => scope.postMessage({ type: 'answer', id, answer }));
      return;
    }
  }
};
