const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Tour lengths are integers (TSPLIB rounding); shown with thousands separators. */
export function formatLength(length: number | null): string {
  return length === null ? '—' : integer.format(length);
}

export function formatGap(gapPercent: number | null): string {
  return gapPercent === null ? '—' : `${gapPercent.toFixed(gapPercent < 1 ? 3 : 2)} %`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${Math.round(perSecond)}/s`;
}

export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` : `${seconds} s`;
}
