import type { DrawStrategy } from './draw.ts';
import type { FrameStats, MapInputs } from './frame.ts';

/** Page -> map worker. The canvas comes once, first; tours arrive as transferred buffers. */
export type ToMapWorker =
  { type: 'canvas'; canvas: OffscreenCanvas; strategy: DrawStrategy } | { type: 'update'; inputs: Partial<MapInputs> } | { type: 'png'; id: number };

/** Map worker -> page. `spare`: a tour the worker no longer draws, its buffer moved back for the page's next copy. */
export type FromMapWorker = { type: 'drawn'; stats: FrameStats } | { type: 'png'; id: number; blob: Blob | null } | { type: 'spare'; tour: Int32Array };
