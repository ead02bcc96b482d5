/// <reference types="vite/client" />
/// <reference types="svelte" />

/** Kiln's version from package.json, put in at build time (renderer/vite.config.ts). */
declare const __KILN_VERSION__: string;
