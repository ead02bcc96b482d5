/** Copies text for a Copy button; answers what to show beside it (a refused clipboard must not fail silently). */
export async function copyText(text: string, what: string): Promise<string> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard here');
    await navigator.clipboard.writeText(text);
    return `${what} copied`;
  } catch {
    return `Could not copy the ${what.toLowerCase()}: select it and copy it by hand`;
  }
}
