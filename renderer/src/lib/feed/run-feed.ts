import type { RouterEndpoint } from '../wamp/endpoint.ts';
import { PendingCalls, type CallAnswer } from './calls.ts';
import type { FromFeedWorker, ToFeedWorker } from './messages.ts';
import type { DecodedProgress } from './progress.ts';

/**
 * The page's handle on the run feed worker (feed-worker.ts): progress of the run the page follows
 * arrives decoded, at most one per animation frame; `onSubscribed` says progress events reach the worker
 * from then on (after each connect: what came before is not in the feed); `onRefused` says the worker
 * cannot follow it (the page then subscribes on its own session). `call` places a call on the worker's session.
 */
export class RunFeed {
  readonly #worker = new Worker(new URL('./feed-worker.ts', import.meta.url), { type: 'module', name: 'kiln-run-feed' });
  readonly #calls = new PendingCalls();
  #closed = false;

  constructor(
    endpoint: RouterEndpoint,
    onProgress: (progress: DecodedProgress, received: number) => void,
    onSubscribed: () => void,
    onRefused: (reason: string) => void,
  ) {
    this.#worker.onmessage = ({ data }: MessageEvent<FromFeedWorker>) => {
      if (data.type === 'answer') return this.#calls.settle(data.id, data.answer);
      if (data.type === 'subscribed') return onSubscribed();
      if (data.type === 'refused') {
        this.close();
        return onRefused(data.reason);
      }
      onProgress(data.progress, data.received);
      // The next progress after this one reaches the screen: Svelte's update and the map's frame come first.
      requestAnimationFrame(() => this.#post({ type: 'shown' }));
    };
    this.#worker.onerror = (event) => {
      this.close();
      onRefused(event.message || 'the run feed worker failed');
    };
    this.#post({ type: 'connect', endpoint: { ...endpoint } });
  }

  follow(runId: string | null): void {
    this.#post({ type: 'follow', runId });
  }

  /** A call on the worker's session: its payload is cloned to the worker, encoded and sent there. */
  call(procedure: string, args: unknown[], kwargs: Record<string, unknown>): Promise<CallAnswer> {
    if (this.#closed) return Promise.resolve({ ok: false, sent: false, uri: 'kiln.error.not_connected', message: 'the run feed worker has stopped' });
    const { id, answer } = this.#calls.place();
    this.#post({ type: 'call', id, procedure, args, kwargs });
    return answer;
  }

  close(): void {
    this.#closed = true;
    this.#worker.terminate();
    this.#calls.abandon('the run feed worker stopped before the call was answered');
  }

  #post(message: ToFeedWorker): void {
    this.#worker.postMessage(message);
  }
}
