/** Buckets across the run's budget: finer than a pixel of the chart, at most two points each. */
const BUCKETS = 1000;

/**
 * The current run's best length over time, thinned for drawing. A big run improves up to ten times a
 * second, so an hour's run has ~36,000 samples, and chart.js's redraw (a point element per sample, a
 * stepped line through each) grows with them into a long task of its own. Here the x range (the run's
 * budget) is cut into 1,000 buckets, each keeping its first sample and its latest: narrower than a pixel
 * of the chart, so the curve looks the same, and the chart never draws more than 2,000 points. The
 * points are kept in place here; each chart update packs a copy of them (packPoints) for the charts' worker.
 */
export class ThinnedSeries {
  /** The thinned {x, y} points, in time order. */
  readonly points: Array<{ x: number; y: number }> = [];
  #bucketWidth = 1;
  /** The bucket of the last point, and whether that point is its second (the one replaced by later samples). */
  #lastBucket = Number.NaN;
  #lastIsSecond = false;

  /** Starts over (in place) for a run of `spanX` (its budget, in the x unit). */
  reset(spanX: number): void {
    this.points.length = 0;
    this.#bucketWidth = Math.max(spanX, Number.MIN_VALUE) / BUCKETS;
    this.#lastBucket = Number.NaN;
    this.#lastIsSecond = false;
  }

  /** A sample, in time order. */
  add(x: number, y: number): void {
    const bucket = Math.floor(x / this.#bucketWidth);
    if (bucket !== this.#lastBucket) {
      this.points.push({ x, y });
      this.#lastBucket = bucket;
      this.#lastIsSecond = false;
    } else if (this.#lastIsSecond) {
      this.points[this.points.length - 1] = { x, y };
    } else {
      this.points.push({ x, y });
      this.#lastIsSecond = true;
    }
  }
}
