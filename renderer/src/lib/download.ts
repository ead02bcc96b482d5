/**
 * Offers `blob` to the user as a download named `fileName` (no network involved); in the desktop
 * app, through its native save dialog instead. Resolves once handed over (or saved, or cancelled).
 */
export async function downloadBlob(blob: Blob, fileName: string): Promise<void> {
  if (window.kiln) {
    await window.kiln.saveFile(fileName, new Uint8Array(await blob.arrayBuffer()));
    return;
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click starts the download synchronously; the URL is no longer needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The tour as CSV rows: visiting order, 1-based city id, coordinates when the problem has them. */
export function tourCsv(tour: Int32Array, xs?: Float64Array, ys?: Float64Array): string {
  const rows = [xs && ys ? 'order,city,x,y' : 'order,city'];
  tour.forEach((city, order) => rows.push(xs && ys ? `${order + 1},${city + 1},${xs[city]},${ys[city]}` : `${order + 1},${city + 1}`));
  return rows.join('\n') + '\n';
}
