import type { RouterEndpoint } from '../wamp/endpoint.ts';
import type { CallAnswer } from './calls.ts';
import type { DecodedProgress } from './progress.ts';

/**
 * Page -> run feed worker. `shown`: the page has drawn the last progress sent, so the next may come.
 * `call`: a procedure call with a big payload, placed on the worker's session (answered by `answer`).
 */
export type ToFeedWorker =
  | { type: 'connect'; endpoint: RouterEndpoint }
  | { type: 'follow'; runId: string | null }
  | { type: 'shown' }
  | { type: 'call'; id: number; procedure: string; args: unknown[]; kwargs: Record<string, unknown> };

/**
 * Run feed worker -> page. `received`: progress events of the followed run the worker has had in all
 * (several may fold into one sent). `subscribed`: progress events reach the worker from now on (after each
 * (re)connect). `refused`: the router will not have this session; the page follows progress itself.
 */
export type FromFeedWorker =
  | { type: 'progress'; progress: DecodedProgress; received: number }
  | { type: 'subscribed' }
  | { type: 'refused'; reason: string }
  | { type: 'answer'; id: number; answer: CallAnswer };
