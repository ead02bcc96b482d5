/**
 * The city map's worker: owns the map canvas (transferred to it as an OffscreenCanvas) and draws
 * every frame, so neither painting tens of thousands of cities and tour segments nor Skia
 * rasterising them happens on the page's main thread. Tours arrive as transferred buffers (and go back once replaced); of those
 * that arrive within one frame only the last is drawn.
 */
import { MapFrame } from './frame.ts';
import type { FromMapWorker, ToMapWorker } from './messages.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToMapWorker>) => void) | null;
  postMessage(message: FromMapWorker, transfer?: Transferable[]): void;
};
let frame: MapFrame | null = null;

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'canvas':
      frame = new MapFrame(data.canvas, data.strategy, (stats) => scope.postMessage({ type: 'drawn', stats }));
      return;
    case 'update': {
      const replaced = frame?.tour;
      frame?.update(data.inputs);
      // The tour replaced is drawn no more: its buffer goes back to the page for the next copy.
      if (replaced && replaced !== frame?.tour) scope.postMessage({ type: 'spare', tour: replaced }, [replaced.buffer]);
      return;
    }
    case 'png':
      void (frame?.toPngBlob() ?? Promise.resolve(null)).then(
        (blob) => scope.postMessage({ type: 'png', id: data.id, blob }),
        () => scope.postMessage({ type: 'png', id: data.id, blob: null }),
      );
  }
};
