/**
 * The map's camera: which world point sits at the canvas centre and how many device pixels a world
 * unit spans. World y grows upwards (TSPLIB convention), screen y downwards.
 */
export interface View {
  centerX: number;
  centerY: number;
  /** Device pixels per world unit. */
  scale: number;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Points to draw, in world coordinates (for GEO, longitude across and latitude up). */
export interface MapPoints {
  x: Float64Array;
  y: Float64Array;
}

export function boundsOf(points: MapPoints): Bounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < points.x.length; i++) {
    const x = points.x[i];
    const y = points.y[i];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** The view that shows all of `bounds` inside a width x height canvas with a margin. */
export function fitView(bounds: Bounds, width: number, height: number, marginPx: number): View {
  const spanX = Math.max(bounds.maxX - bounds.minX, 1e-9);
  const spanY = Math.max(bounds.maxY - bounds.minY, 1e-9);
  const scale = Math.min((width - 2 * marginPx) / spanX, (height - 2 * marginPx) / spanY);
  return {
    centerX: (bounds.minX + bounds.maxX) / 2,
    centerY: (bounds.minY + bounds.maxY) / 2,
    scale: Math.max(scale, 1e-12),
  };
}

/** Zooms by `factor` keeping the world point under screen (px, py) in place. */
export function zoomAt(view: View, factor: number, px: number, py: number, width: number, height: number): View {
  const worldX = view.centerX + (px - width / 2) / view.scale;
  const worldY = view.centerY - (py - height / 2) / view.scale;
  const scale = view.scale * factor;
  return {
    scale,
    centerX: worldX - (px - width / 2) / scale,
    centerY: worldY + (py - height / 2) / scale,
  };
}

/** Moves the view by a screen-space drag of (dx, dy) device pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, centerX: view.centerX - dx / view.scale, centerY: view.centerY + dy / view.scale };
}

/** Drawing coordinates for a problem: GEO stores latitude first, so swap to put longitude across. */
export function mapPointsOf(xs: Float64Array, ys: Float64Array, geographic: boolean): MapPoints {
  return geographic ? { x: ys, y: xs } : { x: xs, y: ys };
}
