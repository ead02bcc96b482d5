/**
 * Log lines caused by remote peers (a donor's failed slice), rate-limited: any invited browser can
 * fail slices as fast as it is given them, and must not fill the control center's log. At most
 * `perWindow` lines per window; the rest are counted and reported in one line when the next window
 * opens.
 */
export function rateLimitedLog(write: (line: string) => void, perWindow = 20, windowMs = 10_000, now: () => number = Date.now): (line: string) => void {
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = 0;
  return (line) => {
    const at = now();
    if (at - windowStart >= windowMs) {
      if (suppressed > 0) write(`${suppressed} more remote failure line${suppressed === 1 ? '' : 's'} suppressed in the last ${Math.round(windowMs / 1000)} s`);
      windowStart = at;
      written = 0;
      suppressed = 0;
    }
    if (written < perWindow) {
      written++;
      write(line);
    } else suppressed++;
  };
}
