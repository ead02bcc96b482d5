/** Kiln's version (package.json's), reported by workers so the control center can spot mismatched machines. */
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
