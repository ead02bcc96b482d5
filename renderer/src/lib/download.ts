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
