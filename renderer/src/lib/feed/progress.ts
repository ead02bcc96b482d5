import type { RunProgress } from '../../../../shared/protocol/wire.ts';
import { decodeInt32s } from '../../../../shared/protocol/codecs.ts';
import { isRecord } from '../../../../shared/protocol/validate.ts';

/** A progress event with its tour decoded (null: the tour was malformed; the figures still hold). */
export interface DecodedProgress extends Omit<RunProgress, 'tour'> {
  tour: Int32Array | null;
}

/** A progress payload checked and decoded, wherever it arrives (the run feed's worker, or the page); null if it is not one. */
export function decodeProgress(payload: unknown): DecodedProgress | null {
  if (!isRecord(payload) || typeof payload.runId !== 'string' || typeof payload.bestLength !== 'number') return null;
  const figure = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const progress: DecodedProgress = {
    runId: payload.runId,
    elapsedMs: figure(payload.elapsedMs),
    bestLength: payload.bestLength,
    tour: null,
    slicesDone: figure(payload.slicesDone),
    movesPerSecond: figure(payload.movesPerSecond),
  };
  if (typeof payload.gapPercent === 'number') progress.gapPercent = payload.gapPercent;
  try {
    progress.tour = decodeInt32s(payload.tour, 'progress.tour');
  } catch {
    // A malformed tour still leaves the length worth showing.
  }
  return progress;
}
