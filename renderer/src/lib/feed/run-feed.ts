import type { RouterEndpoint } from '../wamp/endpoint.ts';
import type { FromFeedWorker, ToFeedWorker } from './messages.ts';
import type { DecodedProgress } from './progress.ts';

/**
 * The page's handle on the run feed worker (feed-worker.ts): progress of the run the page follows
 * arrives decoded, at most one per animation frame; `onRefused` says the worker cannot follow it (the
 * page then subscribes on its own session).
 */
export class RunFeed {
  readonly #worker = new Worker(new URL('./feed-worker.ts', import.meta.url), { type: 'module', name: 'kiln-run-feed' });

  constructor(endpoint: RouterEndpoint, onProgress: (progress: DecodedProgress, received: number) => void, onRefused: (reason: string) => void) {
    this.#worker.onmessage = ({ data }: MessageEvent<FromFeedWorker>) => {
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

  close(): void {
    this.#worker.terminate();
  }

  #post(message: ToFeedWorker): void {
    this.#worker.postMessage(message);
  }
}
