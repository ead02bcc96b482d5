/** Kiln's version, reported by workers so the control center can spot mismatched machines. */
export const VERSION = '0.1.0';
