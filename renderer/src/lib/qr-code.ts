/**
 * A text (an invite link) as a QR code, ready to draw in Svelte markup: one SVG path of the dark
 * modules, one rectangle per horizontal run, so the dialog needs no {@html} and no canvas.
 */
import { create } from 'qrcode';

export interface QrSymbol {
  /** Modules per side (17 + 4 × version). */
  size: number;
  /** SVG path data in module units, origin at the symbol's top-left corner (no quiet zone). */
  path: string;
}

/** Error correction M (15%): survives a phone camera's glare without making the symbol much denser than L. */
export function qrSymbol(text: string): QrSymbol {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  let path = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < size && data[y * size + x + run]) run++;
      path += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return { size, path };
}
