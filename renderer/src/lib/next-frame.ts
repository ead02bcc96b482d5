/** requestAnimationFrame where the scope has it (pages; dedicated workers in Chromium and Firefox), else ~60 Hz. */
export function nextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}
