/**
 * A canvas's size as its drawing needs it: its CSS box, and the device pixels that box covers (its
 * bitmap's size for crisp drawing on HiDPI screens), for the map (CityMap.svelte) and the charts
 * (ChartCanvas.svelte), drawn on the page or in their workers.
 */

export interface CanvasSize {
  /** The content box in CSS pixels. */
  cssWidth: number;
  cssHeight: number;
  /** The content box in device pixels. */
  width: number;
  height: number;
  /** The device pixel ratio the size was measured at. */
  dpr: number;
}

/** The ratio whose change the tracker listens for: `matchMedia` can only say when one resolution stops matching. */
function currentRatio(): number {
  return devicePixelRatio || 1;
}

/**
 * Calls `onSize` with `element`'s size once it is laid out and whenever it changes: its box, or the
 * device pixel ratio alone (the window moved to a screen of another density, browser zoom, an
 * emulated device). A ResizeObserver on the device-pixel-content-box gives exact device pixels (the
 * box as the layout snaps it) and, on a real screen, fires when only the ratio changes; a
 * content-box observer (browsers without that box) does not, nor does either under device emulation
 * (DevTools, CDP: there the device box stays at the real screen's ratio), so a
 * `matchMedia('(resolution: Xdppx)')` listener catches ratio changes too, moved to the new ratio each
 * time. The device box is taken when it agrees with the CSS box at the ratio now (within the pixel
 * that snapping moves), else the CSS box times the ratio, rounded. Returns the function that stops tracking.
 */
export function trackCanvasSize(element: Element, onSize: (size: CanvasSize) => void): () => void {
  /** The box last observed, with the device box when the observer gave one, and the ratio then. */
  let observed: { cssWidth: number; cssHeight: number; device: { width: number; height: number } | null; dpr: number } | null = null;
  let last: CanvasSize | null = null;

  const report = (): void => {
    if (!observed) return;
    const dpr = currentRatio();
    const { cssWidth, cssHeight } = observed;
    const exact = observed.device;
    const device = exact && observed.dpr === dpr && Math.abs(exact.width - cssWidth * dpr) <= 1 && Math.abs(exact.height - cssHeight * dpr) <= 1 ? exact : null;
    const size: CanvasSize = {
      cssWidth,
      cssHeight,
      width: device ? device.width : Math.round(cssWidth * dpr),
      height: device ? device.height : Math.round(cssHeight * dpr),
      dpr,
    };
    if (
      last &&
      last.width === size.width &&
      last.height === size.height &&
      last.dpr === size.dpr &&
      last.cssWidth === size.cssWidth &&
      last.cssHeight === size.cssHeight
    )
      return;
    last = size;
    onSize(size);
  };

  const observer = new ResizeObserver(([entry]) => {
    const box = entry.devicePixelContentBoxSize?.[0];
    observed = {
      cssWidth: entry.contentRect.width,
      cssHeight: entry.contentRect.height,
      device: box ? { width: box.inlineSize, height: box.blockSize } : null,
      dpr: currentRatio(),
    };
    report();
  });
  try {
    observer.observe(element, { box: 'device-pixel-content-box' });
  } catch {
    observer.observe(element);
  }

  let query: MediaQueryList | null = null;
  const onRatioChange = (): void => {
    watchRatio();
    report();
  };
  const watchRatio = (): void => {
    query?.removeEventListener('change', onRatioChange);
    query = matchMedia(`(resolution: ${currentRatio()}dppx)`);
    query.addEventListener('change', onRatioChange);
  };
  watchRatio();

  return () => {
    observer.disconnect();
    query?.removeEventListener('change', onRatioChange);
  };
}
